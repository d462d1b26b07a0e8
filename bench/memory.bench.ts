// Memory benchmark (issue 9), one tree per process, started by
// protocol.bench.ts as `node --expose-gc out/bench/memory.bench.js --root <tree>`:
// opens 10,000 sources through that tree's InstamrktClient and SourceService
// (pipelined, 100 at a time) against the emulator in a worker thread (its own
// heap: what the emulator keeps is not ours), closes them all again (100
// closes in flight), and compares after a full GC with before: heap used
// (goal: back within 5 MB), the process's active resources (timers, sockets:
// none may be left per request) and the client's pending requests. Prints one
// JSON line (MEMORY_LINE) for the parent; never fails on the figures.
import * as path from 'node:path';
import { performance } from 'node:perf_hooks';
import { Worker } from 'node:worker_threads';
import { benchClient, loadTree, nullCache } from './protocol/trees';

export const MEMORY_LINE = 'BENCH-MEMORY ';
export const MEMORY_SOURCES = 10_000;
const BATCH = 100;
const WARMUP_SOURCES = 500;

export interface MemoryFigures {
  readonly heapBefore: number;
  /** Heap used once all 10,000 were open (no GC forced): how much the model and replies took meanwhile. */
  readonly heapPeak: number;
  readonly heapAfter: number;
  readonly resourcesBefore: Readonly<Record<string, number>>;
  readonly resourcesAfter: Readonly<Record<string, number>>;
  readonly pendingBefore: number;
  readonly pendingAfter: number;
  readonly rowsAfter: number;
  /** Opening the 10,000 (with the re-reads each open starts), then closing them. */
  readonly openSeconds: number;
  readonly closeSeconds: number;
}

function gc(): void {
  const collect = (globalThis as { gc?: () => void }).gc;
  if (!collect) throw new Error('run with node --expose-gc');
  collect();
}

/** Full GCs with turns of the event loop between them, so finalizers and weak callbacks run. */
async function settledHeap(): Promise<number> {
  for (let i = 0; i < 4; i++) {
    gc();
    await new Promise((r) => setImmediate(r));
  }
  return process.memoryUsage().heapUsed;
}

function resources(): Record<string, number> {
  const counts: Record<string, number> = {};
  for (const name of process.getActiveResourcesInfo()) counts[name] = (counts[name] ?? 0) + 1;
  return counts;
}

function startEmulatorWorker(): Promise<{ worker: Worker; url: string; wsUrl: string }> {
  const worker = new Worker(path.join(__dirname, 'protocol', 'emulatorWorker.js'), { workerData: { users: [{ username: 'memory', password: 'memory', developer: true }] } });
  return new Promise((resolve, reject) => {
    worker.once('error', reject);
    worker.once('message', (m: { url: string; wsUrl: string }) => resolve({ worker, ...m }));
  });
}

async function inBatches<T, R>(items: readonly T[], size: number, work: (batch: readonly T[]) => Promise<R[]>): Promise<R[]> {
  const out: R[] = [];
  for (let i = 0; i < items.length; i += size) out.push(...(await work(items.slice(i, i + size))));
  return out;
}

export async function main(argv: readonly string[]): Promise<MemoryFigures> {
  const rootIndex = argv.indexOf('--root');
  if (rootIndex < 0 || !argv[rootIndex + 1]) throw new Error('usage: node --expose-gc memory.bench.js --root <tree>');
  const tree = loadTree('current', argv[rootIndex + 1], argv[rootIndex + 1]);
  const { worker, url, wsUrl } = await startEmulatorWorker();
  const login = await new tree.protocol.RestClient(url).login('memory', 'memory');
  const client = benchClient(tree, wsUrl, { userId: login.userId, sessionKey: login.sessionKey });
  const service = new tree.sources.SourceService(nullCache());
  try {
    await client.connect();
    await service.attach(client, 'bench');
    // Opens `count` sources, `BATCH` at a time, then closes them with `BATCH` closes in flight.
    const cycle = async (prefix: string, count: number, atPeak?: () => void): Promise<{ openSeconds: number; closeSeconds: number }> => {
      const names = Array.from({ length: count }, (_, i) => `${prefix}-${i}.example.com`);
      const t0 = performance.now();
      const ids = await inBatches(names, BATCH, (batch) => Promise.all(batch.map((name, k) => service.open(name, `memory benchmark ${k}`))));
      await service.refresh();
      const t1 = performance.now();
      atPeak?.();
      const chunks = Array.from({ length: BATCH }, (_, c) => ids.filter((_, i) => i % BATCH === c));
      const results = await Promise.all(chunks.map((chunk) => service.close(chunk)));
      const failed = results.reduce((n, r) => n + r.failed.length, 0);
      if (failed > 0) throw new Error(`${failed} closes failed: ${String(results.find((r) => r.failed.length)?.failed[0].error)}`);
      // open() re-reads the list after each open; let the last of those finish before measuring.
      await service.refresh();
      return { openSeconds: (t1 - t0) / 1000, closeSeconds: (performance.now() - t1) / 1000 };
    };
    // Warm up: the same path once at a small scale, so code compiled and caches filled are in "before".
    await cycle('warmup', WARMUP_SOURCES);
    const heapBefore = await settledHeap();
    const resourcesBefore = resources();
    const pendingBefore = client.pendingCount;
    let heapPeak = 0;
    const times = await cycle('memory', MEMORY_SOURCES, () => (heapPeak = process.memoryUsage().heapUsed));
    const heapAfter = await settledHeap();
    return {
      heapBefore,
      heapPeak,
      heapAfter,
      resourcesBefore,
      resourcesAfter: resources(),
      pendingBefore,
      pendingAfter: client.pendingCount,
      rowsAfter: service.list().length,
      ...times,
    };
  } finally {
    service.dispose();
    client.dispose();
    worker.postMessage('close');
    await new Promise((r) => worker.once('exit', r));
  }
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (figures) => console.log(MEMORY_LINE + JSON.stringify(figures)),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
