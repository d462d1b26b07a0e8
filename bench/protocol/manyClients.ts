// 200 concurrent clients of the working tree × 100 operations against the
// emulator in process (issue 2): zero errors and zero misattributed replies
// are the goal; latency and rate are reported.
import { performance } from 'node:perf_hooks';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/index';
import { summary } from '../figures';
import { benchClient, type Tree } from './trees';

export interface ManyClientsFigures {
  readonly clients: number;
  readonly operations: number;
  readonly seconds: number;
  readonly p50: number;
  readonly p99: number;
  readonly errors: number;
  readonly misattributed: number;
}

export async function measureManyClients(tree: Tree): Promise<ManyClientsFigures> {
  const clients = 200;
  const opsPerClient = 100;
  const users = Array.from({ length: clients }, (_, i) => ({ username: `bench${i}`, password: `pw${i}`, developer: true }));
  const emulator = await startEmulator({ port: 0, seed: 'empty', users });
  const rest = new RestClient(emulator.url);
  const logins = await Promise.all(users.map((u) => rest.login(u.username, u.password)));
  const conns = logins.map((l) => benchClient(tree, emulator.wsUrl, { userId: l.userId, sessionKey: l.sessionKey }));
  try {
    await Promise.all(conns.map((c) => c.connect()));
    let errors = 0;
    let misattributed = 0;
    const latencies: number[] = [];
    const timed = async <T>(p: () => Promise<T>): Promise<T> => {
      const t = performance.now();
      try {
        return await p();
      } finally {
        latencies.push(performance.now() - t);
      }
    };
    const t0 = performance.now();
    await Promise.all(
      conns.map(async (c, ci) => {
        // Each client: 25 × (open, list games of it, list sources, close) = 100 operations, pipelined in pairs.
        for (let k = 0; k < opsPerClient / 4; k++) {
          try {
            const name = `c${ci}-s${k}.example.com`;
            const id = await timed(() => c.openGameSource(name, `bench ${ci}/${k}`));
            const [games, list] = await Promise.all([timed(() => c.listGamesForSource(id)), timed(() => c.listGameSources())]);
            if (games.length !== 0) misattributed++;
            const mine = list.find((s) => s.id === id);
            if (!mine || mine.name !== name) misattributed++;
            if (list.some((s) => !s.name.startsWith(`c${ci}-`))) misattributed++;
            await timed(() => c.closeGameSource(id));
          } catch {
            errors++;
          }
        }
      }),
    );
    const s = summary(latencies);
    return { clients, operations: latencies.length, seconds: (performance.now() - t0) / 1000, p50: s.p50, p99: s.p99, errors, misattributed };
  } finally {
    for (const c of conns) c.dispose();
    await emulator.close();
  }
}
