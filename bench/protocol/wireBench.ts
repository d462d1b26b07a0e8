// Round trip and throughput over loopback, every contestant on its own
// connection to one fastServer, measured alternately in one run so the
// machine's noise (other work on a shared 2-core machine) hits all alike:
//  - ping → pong one at a time: a raw `ws` socket, then each tree's client,
//    in an order rotated every request; p50 and p99 per round, medians of rounds;
//  - replies per second with 1,000 requests in flight (op 611): the FIFO
//    yardstick, then each tree's client, in an order rotated every round.
import { performance } from 'node:perf_hooks';
import type { InstamrktClient } from '../../src/protocol/index';
import { median, rotated, summary } from '../figures';
import { benchClient, type Tree } from './trees';
import { FifoClient, fastServer, rawRequest, rawSocket } from './wire';

export const PING_ROUNDS = 7;
export const PINGS_PER_ROUND = 1000;
const PING_WARMUP = 300;
export const IN_FLIGHT = 1000;
export const THROUGHPUT_ROUNDS = 30;
/** Batches of IN_FLIGHT requests per contestant's turn: a turn long enough to outlast a scheduler hiccup. */
export const BATCHES_PER_TURN = 3;
const THROUGHPUT_WARMUP = 3;

/** Medians over rounds of one contestant's figure, and of its ratio to the yardstick of the same round. */
export interface Contested {
  readonly value: number | undefined;
  readonly ratio: number | undefined;
  /** Each round's figure, as measured. */
  readonly rounds: readonly number[];
}

export interface WireFigures {
  readonly rawP50: number | undefined;
  readonly rawP99: number | undefined;
  readonly pingP50: ReadonlyMap<Tree['label'], Contested>;
  readonly pingP99: ReadonlyMap<Tree['label'], Contested>;
  /** Per-round p50 ratio current / baseline (undefined without a baseline). */
  readonly pingCurrentOverBaseline: number | undefined;
  readonly fifoRate: number | undefined;
  readonly rate: ReadonlyMap<Tree['label'], Contested>;
  readonly rateCurrentOverBaseline: number | undefined;
}

const CREDENTIALS = { userId: '1', sessionKey: 'k' };

function contested(values: readonly number[], yardstick: readonly number[]): Contested {
  return { value: median(values), ratio: median(values.map((v, i) => v / yardstick[i])), rounds: values };
}

function currentOverBaseline(byTree: Map<Tree['label'], number[]>): number | undefined {
  const current = byTree.get('current');
  const baseline = byTree.get('baseline');
  return current && baseline ? median(current.map((v, i) => v / baseline[i])) : undefined;
}

export async function measureWire(trees: readonly Tree[], log: (line: string) => void): Promise<WireFigures> {
  const server = await fastServer();
  const raw = await rawSocket(server.url);
  const fifo = await FifoClient.connect(server.url);
  const clients = new Map<Tree['label'], InstamrktClient>(trees.map((t) => [t.label, benchClient(t, server.url, CREDENTIALS)]));
  try {
    await Promise.all([...clients.values()].map((c) => c.connect()));
    // The same bytes for everyone: the current tree's encoder (the header's time does not matter to the server).
    const encode = trees[trees.length - 1].protocol.encodeRequest;

    // ---- Round trip ----
    type Who = 'raw' | Tree['label'];
    const order: Who[] = ['raw', ...trees.map((t) => t.label)];
    const p50 = new Map<Who, number[]>(order.map((w) => [w, []]));
    const p99 = new Map<Who, number[]>(order.map((w) => [w, []]));
    for (let round = 0; round < PING_ROUNDS; round++) {
      const samples = new Map<Who, number[]>(order.map((w) => [w, []]));
      for (let i = 0; i < PINGS_PER_ROUND + (round === 0 ? PING_WARMUP : 0); i++) {
        for (const who of rotated(order, i)) {
          // The raw socket's frame is made before the clock starts: the yardstick is the wire alone.
          const rawFrame = who === 'raw' ? encode(1, {}) : '';
          const t = performance.now();
          if (who === 'raw') await rawRequest(raw, rawFrame);
          else await clients.get(who)?.ping();
          const elapsed = performance.now() - t;
          if (round > 0 || i >= PING_WARMUP) samples.get(who)?.push(elapsed);
        }
      }
      for (const who of order) {
        const s = summary(samples.get(who) ?? []);
        p50.get(who)?.push(s.p50);
        p99.get(who)?.push(s.p99);
      }
      log(`ping round ${round + 1}/${PING_ROUNDS}: p50 ${order.map((w) => `${w} ${(p50.get(w)?.[round] ?? NaN).toFixed(3)}`).join(', ')} ms`);
    }

    // ---- Throughput ----
    const frame = encode(611, {});
    const rates = new Map<'fifo' | Tree['label'], number[]>([['fifo', []], ...trees.map((t): [Tree['label'], number[]] => [t.label, []])]);
    const contestants = [...rates.keys()];
    for (let round = 0; round < THROUGHPUT_WARMUP + THROUGHPUT_ROUNDS; round++) {
      for (const who of rotated(contestants, round)) {
        const client = who === 'fifo' ? undefined : clients.get(who);
        const t = performance.now();
        for (let b = 0; b < BATCHES_PER_TURN; b++) {
          if (!client) await Promise.all(Array.from({ length: IN_FLIGHT }, () => fifo.request(frame)));
          else {
            const replies = await Promise.all(Array.from({ length: IN_FLIGHT }, () => client.listGameSources()));
            if (replies.length !== IN_FLIGHT || replies.some((r) => r.length !== 1)) throw new Error(`${who}: wrong replies`);
          }
        }
        const rate = (IN_FLIGHT * BATCHES_PER_TURN) / ((performance.now() - t) / 1000);
        if (round >= THROUGHPUT_WARMUP) rates.get(who)?.push(rate);
      }
    }

    const byTree = <T>(f: (label: Tree['label']) => T): Map<Tree['label'], T> => new Map(trees.map((t) => [t.label, f(t.label)]));
    const fifoRates = rates.get('fifo') ?? [];
    return {
      rawP50: median(p50.get('raw') ?? []),
      rawP99: median(p99.get('raw') ?? []),
      pingP50: byTree((l) => contested(p50.get(l) ?? [], p50.get('raw') ?? [])),
      pingP99: byTree((l) => contested(p99.get(l) ?? [], p99.get('raw') ?? [])),
      pingCurrentOverBaseline: currentOverBaseline(byTree((l) => p50.get(l) ?? [])),
      fifoRate: median(fifoRates),
      rate: byTree((l) => contested(rates.get(l) ?? [], fifoRates)),
      rateCurrentOverBaseline: currentOverBaseline(byTree((l) => rates.get(l) ?? [])),
    };
  } finally {
    for (const client of clients.values()) client.dispose();
    raw.close();
    fifo.close();
    await server.close();
  }
}
