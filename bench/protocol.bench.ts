// Protocol benchmarks (issues 2 and 9), `npm run bench [-- --baseline <ref> | --no-baseline]`.
// Before/after in one run on one machine: the working tree against a baseline
// commit (default 9488c9b, the last before the client and session were split;
// see baseline.ts), both trees' compiled modules loaded in this process and
// measured alternately (ABAB…, several rounds, medians), so noise hits both:
//  1. ping → pong round trip, each tree's client / a raw `ws` socket (goal ≤ 1.1 at p50);
//  2. replies per second with 1,000 requests in flight, each tree's client /
//     a minimal FIFO client (JSON.parse, resolve the oldest; goal ≥ 0.8);
//  3. decoding and modelling a 621 reply of 10,000 sources (goal ≤ 20 ms);
//  4. memory: heap after opening and closing 10,000 sources, full GC (goal:
//     within 5 MB of before; no timer or socket left per request), one
//     child process per tree (memory.bench.ts);
//  5. dist/extension.js as `node esbuild.mjs --production` builds it in each tree;
//  6. 200 concurrent clients × 100 operations against the emulator (working
//     tree only; goal: zero errors, zero misattributed replies).
// Prints every figure and a table of baseline, current and their ratio.
// Never fails on speed; exits 1 only when something could not be measured.
import { spawn } from 'node:child_process';
import * as path from 'node:path';
import { baselineArgument, prepareBaseline } from './baseline';
import { measureSizes, type Sizes } from './extension/sizes';
import { kb, machineLine, mb, ms, perSecond, printTable, ratio } from './figures';
import { MEMORY_LINE, MEMORY_SOURCES, type MemoryFigures } from './memory.bench';
import { measureDecode, type DecodeFigures } from './protocol/decodeBench';
import { measureManyClients } from './protocol/manyClients';
import { currentTree, loadTree, type Tree } from './protocol/trees';
import { BATCHES_PER_TURN, IN_FLIGHT, PING_ROUNDS, PINGS_PER_ROUND, THROUGHPUT_ROUNDS, measureWire, type WireFigures } from './protocol/wireBench';
import { cacheDir, repoRoot } from '../test/support/paths';

const log = (line: string): void => console.log(`     ${line.split('\n').join('\n     ')}`);

/** One child per tree: --expose-gc, and a heap nothing else in this run has touched. */
function measureMemory(tree: Tree): Promise<MemoryFigures> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['--expose-gc', path.join(__dirname, 'memory.bench.js'), '--root', tree.root], { stdio: ['ignore', 'pipe', 'pipe'] });
    let out = '';
    child.stdout.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (out += chunk.toString('utf8')));
    child.on('close', (code) => {
      const line = out.split('\n').find((l) => l.startsWith(MEMORY_LINE));
      if (code === 0 && line) resolve(JSON.parse(line.slice(MEMORY_LINE.length)) as MemoryFigures);
      else reject(new Error(`memory.bench.js (${tree.label}) exited ${code}:\n${out.slice(-2000)}`));
    });
  });
}

const leftOver = (m: MemoryFigures): string => {
  const names = [...new Set([...Object.keys(m.resourcesBefore), ...Object.keys(m.resourcesAfter)])].sort();
  return names.map((n) => `${n} ${m.resourcesBefore[n] ?? 0}→${m.resourcesAfter[n] ?? 0}`).join(', ');
};

async function attempt<T>(what: string, work: () => Promise<T>, problems: string[]): Promise<T | undefined> {
  try {
    return await work();
  } catch (err) {
    problems.push(what);
    console.log(`   ${what} missing: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return undefined;
  }
}

export async function main(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  console.log(`Instamrkt protocol benchmark — ${machineLine()}, ${new Date().toISOString()}`);
  const problems: string[] = [];
  const trees: Tree[] = [];
  let baselineNote = '';
  try {
    const prepared = await prepareBaseline(baselineArgument(argv), log, { compile: true });
    if ('skipped' in prepared) baselineNote = prepared.skipped;
    else trees.push(loadTree('baseline', prepared.title, prepared.root));
  } catch (err) {
    console.error(`Baseline: ${err instanceof Error ? err.message : String(err)}`);
    return 2;
  }
  trees.push(currentTree());
  for (const t of trees) console.log(`   ${t.label.padEnd(8)} ${t.title} (${path.relative(repoRoot, t.root) || '.'})`);
  if (baselineNote) console.log(`   baseline skipped: ${baselineNote}`);
  const has = (label: Tree['label']): boolean => trees.some((t) => t.label === label);

  console.log(`\n1-2. Wire: ${PING_ROUNDS} rounds × ${PINGS_PER_ROUND} pings each (order rotated every ping), then ${THROUGHPUT_ROUNDS} rounds of ${BATCHES_PER_TURN} × ${IN_FLIGHT.toLocaleString('en')} requests in flight per client (order rotated every round)`);
  const wire: WireFigures | undefined = await attempt('wire figures', () => measureWire(trees, log), problems);
  if (wire) {
    console.log(`   ping p50, median of rounds: raw ws ${ms(wire.rawP50)}  p99 ${ms(wire.rawP99)}`);
    for (const t of trees) {
      const p50 = wire.pingP50.get(t.label);
      const p99 = wire.pingP99.get(t.label);
      console.log(`     ${t.label.padEnd(8)} client ${ms(p50?.value)}  p99 ${ms(p99?.value)}   client/raw p50 ${p50?.ratio?.toFixed(3)}  p99 ${p99?.ratio?.toFixed(3)}   (goal ≤ 1.1 at p50)`);
    }
    console.log(`   replies per second, ${IN_FLIGHT.toLocaleString('en')} in flight, median of rounds: FIFO client ${perSecond(wire.fifoRate)}`);
    for (const t of trees) {
      const r = wire.rate.get(t.label);
      console.log(`     ${t.label.padEnd(8)} client ${perSecond(r?.value)}   client/FIFO ${r?.ratio?.toFixed(3)}   (goal ≥ 0.8)`);
      log(`${t.label} rounds (k/s): ${r?.rounds.map((v) => Math.round(v / 1000)).join(' ')}`);
    }
  }

  const decodes: DecodeFigures[] = [];
  for (const length of [40, 512]) {
    const d = await attempt(`decode (${length})`, () => measureDecode(trees, length), problems);
    if (!d) continue;
    decodes.push(d);
    console.log(`\n3. A 621 reply of 10,000 sources, descriptions of ${length} characters (${(d.frameBytes / 1e6).toFixed(1)} MB), trees alternating`);
    console.log(`   JSON.parse alone (floor) p50 ${ms(d.parseMs)}`);
    for (const t of trees) console.log(`     ${t.label.padEnd(8)} decode ${ms(d.decodeMs.get(t.label))}   decode+model ${ms(d.totalMs.get(t.label))}  max ${ms(d.maxTotalMs.get(t.label))}   (goal ≤ 20 ms)`);
  }

  console.log(`\n4. Memory: ${MEMORY_SOURCES.toLocaleString('en')} sources opened (100 in flight) and closed through the client and SourceService, emulator in a worker thread; full GC before and after`);
  const memory = new Map<Tree['label'], MemoryFigures>();
  for (const t of trees) {
    const m = await attempt(`memory (${t.label})`, () => measureMemory(t), problems);
    if (!m) continue;
    memory.set(t.label, m);
    console.log(`     ${t.label.padEnd(8)} heap before ${mb(m.heapBefore)}  with all open (no GC forced) ${mb(m.heapPeak)}  after ${mb(m.heapAfter)}  growth ${mb(m.heapAfter - m.heapBefore)}   (goal ≤ 5 MB)`);
    console.log(`              pending requests ${m.pendingBefore}→${m.pendingAfter}, rows ${m.rowsAfter}, active resources ${leftOver(m)}; open ${m.openSeconds.toFixed(1)} s, close ${m.closeSeconds.toFixed(1)} s`);
  }
  console.log('     (the client\'s and the service\'s emitters are #private: their listener counts are not reachable; a listener kept per request would show as heap growth)');

  console.log('\n5. dist/extension.js, node esbuild.mjs --production in each tree (staging copies)');
  const sizes = new Map<Tree['label'], Sizes>();
  for (const t of trees) {
    const s = await attempt(`size (${t.label})`, () => measureSizes(path.join(cacheDir, 'bench', `sizes-${t.label}-${process.pid}`), { sourceRoot: t.root, vsix: false }), problems);
    if (!s) continue;
    sizes.set(t.label, s);
    console.log(`     ${t.label.padEnd(8)} ${s.extensionJsBytes.toLocaleString('en')} bytes (${kb(s.extensionJsBytes)})   emulator ${kb(s.emulatorJsBytes)}`);
  }

  console.log('\n6. 200 concurrent clients × 100 operations against the emulator (working tree)');
  const many = await attempt('many clients', () => measureManyClients(trees[trees.length - 1]), problems);
  if (many) {
    console.log(`   operations   ${many.operations.toLocaleString('en')} in ${many.seconds.toFixed(2)} s (${perSecond(many.operations / many.seconds)})`);
    console.log(`   latency      p50 ${ms(many.p50)}  p99 ${ms(many.p99)}`);
    console.log(`   errors       ${many.errors}   misattributed replies ${many.misattributed}   (goal: 0 and 0)`);
  }

  // ---- Summary ----
  type Cell = number | undefined;
  const row = (figure: string, values: Record<Tree['label'], Cell>, show: (v: Cell) => string, goal: string, currentOverBaseline?: Cell): string[] => [
    figure,
    has('baseline') ? show(values.baseline) : '–',
    show(values.current),
    currentOverBaseline !== undefined ? currentOverBaseline.toFixed(3) : ratio(values.current, has('baseline') ? values.baseline : undefined),
    goal,
  ];
  const each = <T>(f: (label: Tree['label']) => T): Record<Tree['label'], T> => ({ baseline: f('baseline'), current: f('current') });
  const fixed3 = (v: Cell): string => (v === undefined ? 'missing' : v.toFixed(3));
  const rows: string[][] = [];
  if (wire) {
    rows.push(row('ping p50, client / raw ws (median of rounds)', each((l) => wire.pingP50.get(l)?.ratio), fixed3, '≤ 1.1'));
    rows.push(row('ping p50, client (ms)', each((l) => wire.pingP50.get(l)?.value), (v) => ms(v), '–', wire.pingCurrentOverBaseline));
    rows.push(row(`replies/s, ${IN_FLIGHT.toLocaleString('en')} in flight`, each((l) => wire.rate.get(l)?.value), perSecond, '–', wire.rateCurrentOverBaseline));
    rows.push(row('  client / FIFO client', each((l) => wire.rate.get(l)?.ratio), fixed3, '≥ 0.8'));
  }
  for (const d of decodes) rows.push(row(`10k-source 621 decode+model (${d.descriptionLength}-char descr.)`, each((l) => d.totalMs.get(l)), (v) => ms(v), '≤ 20 ms', d.currentOverBaseline));
  const growth = (l: Tree['label']): Cell => {
    const m = memory.get(l);
    return m ? m.heapAfter - m.heapBefore : undefined;
  };
  rows.push(row('heap growth after 10k open+close, GC', each(growth), mb, '≤ 5 MB'));
  rows.push(row('  timers left (Timeout after − before)', each((l) => { const m = memory.get(l); return m ? (m.resourcesAfter.Timeout ?? 0) - (m.resourcesBefore.Timeout ?? 0) : undefined; }), (v) => (v === undefined ? 'missing' : String(v)), '0'));
  rows.push(row('dist/extension.js (production)', each((l) => sizes.get(l)?.extensionJsBytes), (v) => (v === undefined ? 'missing' : `${v.toLocaleString('en')} B`), '≤ 120 KB'));
  console.log('');
  printTable(['Figure', 'Baseline', 'Current', 'Current/Baseline', 'Goal'], rows);
  console.log(`\nBaseline: ${trees.find((t) => t.label === 'baseline')?.title ?? `none (${baselineNote})`}. Ratios below 1 mean the working tree is faster (smaller, for sizes; for replies/s, above 1 is faster).`);
  console.log(`Ended ${new Date().toISOString()} after ${((Date.now() - started) / 1000).toFixed(0)} s — ${machineLine()}`);
  if (problems.length) console.log(`Not measured: ${problems.join(', ')}`);
  return problems.length ? 1 : 0;
}

if (require.main === module) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (err: unknown) => {
      console.error(err);
      process.exit(1);
    },
  );
}
