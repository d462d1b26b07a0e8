// A 621 reply listing 10,000 sources: each tree's decodeFrame, then its
// SourceService taking the list (attach → refresh: model, sort, the cache's
// change check; the cache itself keeps nothing), alternating
// between the trees every iteration; JSON.parse of the same frame alone is
// the floor, measured in the same iterations (the order rotated each time).
import { performance } from 'node:perf_hooks';
import type { SourceInfo } from '../../src/protocol/index';
import { median, rotated } from '../figures';
import { nullCache, type Tree } from './trees';

const SOURCES = 10_000;
const ITERATIONS = 30;
const WARMUP = 6;

export interface DecodeFigures {
  readonly descriptionLength: number;
  readonly frameBytes: number;
  readonly parseMs: number | undefined;
  /** Per tree: decode alone, and decode + model + sort (the figure). */
  readonly decodeMs: ReadonlyMap<Tree['label'], number | undefined>;
  readonly totalMs: ReadonlyMap<Tree['label'], number | undefined>;
  readonly maxTotalMs: ReadonlyMap<Tree['label'], number | undefined>;
  /** Median over iterations of current / baseline (the two ran back to back). */
  readonly currentOverBaseline: number | undefined;
}

export function sourceFrame(descriptionLength: number): string {
  const sources: SourceInfo[] = Array.from({ length: SOURCES }, (_, i) => ({
    id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    name: `source-${(i * 7919) % SOURCES}.example.com`,
    description: `Source ${i}: `.padEnd(descriptionLength, 'lorem ipsum dolor sit amet '.repeat(20)),
  }));
  return JSON.stringify({ response_header: { t: Date.now() }, res: 621, sources });
}

async function once(tree: Tree, frame: string): Promise<{ decode: number; total: number }> {
  const service = new tree.sources.SourceService(nullCache());
  const t0 = performance.now();
  const msg = tree.protocol.decodeFrame(frame, false, tree.protocol.CodeTable.documented);
  const t1 = performance.now();
  if (msg instanceof Error || msg.name !== 'game_sources_i_am_admin_of_list') throw new Error(`${tree.label}: decode failed`);
  const list = msg.body.sources;
  await service.attach({
    listGameSources: async () => list,
    listGamesForSource: async () => [],
    listUpcomingGamesForSource: async () => [],
    openGameSource: async () => '',
    closeGameSource: async () => undefined,
    closeGame: async () => undefined,
    joinGame: async () => undefined,
  }, 'bench');
  const rows = service.list().length;
  const t2 = performance.now();
  service.dispose();
  if (rows !== SOURCES) throw new Error(`${tree.label}: the model holds ${rows} sources, not ${SOURCES}`);
  return { decode: t1 - t0, total: t2 - t0 };
}

export async function measureDecode(trees: readonly Tree[], descriptionLength: number): Promise<DecodeFigures> {
  const frame = sourceFrame(descriptionLength);
  const parse: number[] = [];
  const decode = new Map<Tree['label'], number[]>(trees.map((t) => [t.label, []]));
  const total = new Map<Tree['label'], number[]>(trees.map((t) => [t.label, []]));
  // The parse and each tree in an order rotated every iteration: none always pays for the garbage another left.
  const order: (Tree | 'parse')[] = ['parse', ...trees];
  for (let i = 0; i < WARMUP + ITERATIONS; i++) {
    for (const who of rotated(order, i)) {
      if (who === 'parse') {
        const tp = performance.now();
        JSON.parse(frame);
        if (i >= WARMUP) parse.push(performance.now() - tp);
        continue;
      }
      const r = await once(who, frame);
      if (i >= WARMUP) {
        decode.get(who.label)?.push(r.decode);
        total.get(who.label)?.push(r.total);
      }
    }
  }
  const current = total.get('current');
  const baseline = total.get('baseline');
  const pick = (m: Map<Tree['label'], number[]>, f: (v: number[]) => number | undefined): Map<Tree['label'], number | undefined> => new Map(trees.map((t) => [t.label, f(m.get(t.label) ?? [])]));
  return {
    descriptionLength,
    frameBytes: frame.length,
    parseMs: median(parse),
    decodeMs: pick(decode, median),
    totalMs: pick(total, median),
    maxTotalMs: pick(total, (v) => (v.length ? Math.max(...v) : undefined)),
    currentOverBaseline: current && baseline ? median(current.map((v, i) => v / baseline[i])) : undefined,
  };
}
