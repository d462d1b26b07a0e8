// Protocol benchmarks (issue 2), all on loopback in one run:
//  1. request→reply round trip through InstamrktClient vs a raw `ws` client
//     sending the same bytes to the same server (p50, p99, ratio; goal ≤ 1.25 at p50);
//  2. replies per second with 1,000 requests in flight (client vs raw ws);
//  3. decoding and modelling a 621 reply of 10,000 sources (goal ≤ 20 ms);
//  4. 200 concurrent clients × 100 operations against the emulator
//     (goal: zero errors, zero misattributed replies; p99 reported).
// Run with `npm run bench`. Prints figures; never fails on speed.
import { performance } from 'node:perf_hooks';
import { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';
import { InstamrktClient } from '../src/protocol/client';
import { CodeTable } from '../src/protocol/codes';
import { decodeFrame, encodeRequest, type SourceInfo } from '../src/protocol/messages';
import { RestClient } from '../src/protocol/rest';
import { SourceService } from '../src/sources/sourceService';
import { startEmulator } from '../src/emulator/server';

function pct(sorted: number[], p: number): number {
  return sorted[Math.min(sorted.length - 1, Math.floor((p / 100) * sorted.length))];
}

function summary(samples: number[]): { p50: number; p99: number } {
  const s = [...samples].sort((a, b) => a - b);
  return { p50: pct(s, 50), p99: pct(s, 99) };
}

const ms = (v: number) => `${v.toFixed(3)} ms`;

/** A minimal server answering by op code with fixed frames: the same for the raw client and InstamrktClient. */
async function fastServer(): Promise<{ url: string; close: () => Promise<void> }> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const pong = JSON.stringify({ response_header: { t: 0 }, res: 1 });
  const logon = JSON.stringify({ response_header: { t: 0 }, res: 100, session_key: 'x' });
  const sources = JSON.stringify({ response_header: { t: 0 }, res: 621, sources: [{ id: 's1', name: 'a', description: '' }] });
  const refuse = JSON.stringify({ response_header: { t: 0 }, res: 666, text: 'not here' });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      // Cheap dispatch on the op without a JSON parse, so the server costs both clients the same.
      const op = /"op":(\d+)/.exec(text)?.[1];
      ws.send(op === '1' ? pong : op === '100' ? logon : op === '611' ? sources : refuse);
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return { url: `ws://127.0.0.1:${port}`, close: () => new Promise((r) => wss.close(() => r())) };
}

async function rawClient(url: string): Promise<WebSocket> {
  const ws = new WebSocket(url);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

function rawRequest(ws: WebSocket, frame: string): Promise<void> {
  return new Promise((resolve) => {
    ws.once('message', () => resolve());
    ws.send(frame);
  });
}

async function roundTrip(): Promise<void> {
  const server = await fastServer();
  const n = 5000;
  const warm = 500;
  const raw = await rawClient(`${server.url}/?id=1&n=1&h=x`);
  const client = new InstamrktClient({ serverUrl: server.url, credentials: async () => ({ userId: '1', sessionKey: 'k' }), keepAliveMs: 0, reconnect: false });
  await client.connect();

  const rawSamples: number[] = [];
  const clientSamples: number[] = [];
  // Interleave the two so machine noise hits both alike.
  for (let i = 0; i < n + warm; i++) {
    const frame = encodeRequest(1, {});
    let t = performance.now();
    await rawRequest(raw, frame);
    const r = performance.now() - t;
    t = performance.now();
    await client.ping();
    const c = performance.now() - t;
    if (i >= warm) {
      rawSamples.push(r);
      clientSamples.push(c);
    }
  }
  const rs = summary(rawSamples);
  const cs = summary(clientSamples);
  console.log('1. Round trip (ping → pong), %d sequential requests, same server', n);
  console.log(`   raw ws       p50 ${ms(rs.p50)}  p99 ${ms(rs.p99)}`);
  console.log(`   client       p50 ${ms(cs.p50)}  p99 ${ms(cs.p99)}`);
  console.log(`   ratio        p50 ${(cs.p50 / rs.p50).toFixed(3)}  p99 ${(cs.p99 / rs.p99).toFixed(3)}   (goal ≤ 1.25 at p50)`);

  // 2. Throughput with 1,000 in flight.
  const inFlight = 1000;
  const rounds = 20;
  let t = performance.now();
  for (let r = 0; r < rounds; r++) {
    const frame = encodeRequest(611, {});
    let got = 0;
    await new Promise<void>((resolve) => {
      const onMsg = () => {
        if (++got === inFlight) {
          raw.off('message', onMsg);
          resolve();
        }
      };
      raw.on('message', onMsg);
      for (let i = 0; i < inFlight; i++) raw.send(frame);
    });
  }
  const rawRate = (inFlight * rounds) / ((performance.now() - t) / 1000);
  t = performance.now();
  for (let r = 0; r < rounds; r++) {
    await Promise.all(Array.from({ length: inFlight }, () => client.listGameSources()));
  }
  const clientRate = (inFlight * rounds) / ((performance.now() - t) / 1000);
  console.log('2. Replies per second, %d requests in flight (list_game_sources), %d rounds', inFlight, rounds);
  console.log(`   raw ws       ${Math.round(rawRate).toLocaleString('en')} /s`);
  console.log(`   client       ${Math.round(clientRate).toLocaleString('en')} /s   (ratio ${(clientRate / rawRate).toFixed(3)})`);

  client.dispose();
  raw.close();
  await server.close();
}

async function decodeLargeList(descriptionLength: number): Promise<void> {
  const sources: SourceInfo[] = Array.from({ length: 10_000 }, (_, i) => ({
    id: `00000000-0000-4000-8000-${i.toString(16).padStart(12, '0')}`,
    name: `source-${(i * 7919) % 10_000}.example.com`,
    description: `Source ${i}: `.padEnd(descriptionLength, 'lorem ipsum dolor sit amet '.repeat(20)),
  }));
  const frame = JSON.stringify({ response_header: { t: Date.now() }, res: 621, sources });
  const codes = CodeTable.documented;
  const parseOnly: number[] = [];
  const decodeOnly: number[] = [];
  const times: number[] = [];
  for (let i = 0; i < 25; i++) {
    const service = new SourceService(undefined);
    const tp = performance.now();
    JSON.parse(frame);
    const t0 = performance.now();
    const msg = decodeFrame(frame, false, codes);
    const t1 = performance.now();
    if (msg instanceof Error || msg.name !== 'game_sources_i_am_admin_of_list') throw new Error('decode failed');
    const list = msg.body.sources;
    await service.attach({
      listGameSources: async () => list,
      listGamesForSource: async () => [],
      listUpcomingGamesForSource: async () => [],
      openGameSource: async () => '',
      closeGameSource: async () => undefined,
      joinGame: async () => undefined,
    });
    const sorted = service.list();
    const t2 = performance.now();
    if (sorted.length !== 10_000) throw new Error('model incomplete');
    if (i >= 5) {
      parseOnly.push(t0 - tp);
      decodeOnly.push(t1 - t0);
      times.push(t2 - t0);
    }
  }
  const all = summary(times);
  console.log('3. A 621 reply of 10,000 sources, descriptions of %d characters (%s MB): decode, then model and sort', descriptionLength, (frame.length / 1e6).toFixed(1));
  console.log(`   JSON.parse alone (floor)  p50 ${ms(summary(parseOnly).p50)}`);
  console.log(`   decode                    p50 ${ms(summary(decodeOnly).p50)}`);
  console.log(`   decode+model              p50 ${ms(all.p50)}  max-of-20 ${ms(Math.max(...times))}   (goal ≤ 20 ms)`);
}

async function manyClients(): Promise<void> {
  const clients = 200;
  const opsPerClient = 100;
  const users = Array.from({ length: clients }, (_, i) => ({ username: `bench${i}`, password: `pw${i}`, developer: true }));
  const emulator = await startEmulator({ port: 0, seed: 'empty', users });
  const rest = new RestClient(emulator.url);
  const logins = await Promise.all(users.map((u) => rest.login(u.username, u.password)));
  const conns = logins.map(
    (l) => new InstamrktClient({ serverUrl: emulator.wsUrl, credentials: async () => ({ userId: l.userId, sessionKey: l.sessionKey }), keepAliveMs: 0, reconnect: false, requestTimeoutMs: 60_000 }),
  );
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
  const elapsed = performance.now() - t0;
  const s = summary(latencies);
  console.log('4. %d concurrent clients × %d operations against the emulator', clients, opsPerClient);
  console.log(`   operations   ${latencies.length.toLocaleString('en')} in ${(elapsed / 1000).toFixed(2)} s (${Math.round(latencies.length / (elapsed / 1000)).toLocaleString('en')} /s)`);
  console.log(`   latency      p50 ${ms(s.p50)}  p99 ${ms(s.p99)}`);
  console.log(`   errors       ${errors}   misattributed replies ${misattributed}   (goal: 0 and 0)`);
  for (const c of conns) c.dispose();
  await emulator.close();
}

async function main(): Promise<void> {
  console.log(`Instamrkt protocol benchmark — node ${process.version}, ${new Date().toISOString()}`);
  await roundTrip();
  await decodeLargeList(40);
  await decodeLargeList(512);
  await manyClients();
}

main().catch((err) => {
  console.error(err);
  process.exit(1);
});
