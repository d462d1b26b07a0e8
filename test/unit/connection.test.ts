// The connection manager (sources/connection.ts) on its own, with the real
// InstamrktClient over real sockets: the emulator for ordinary connections,
// the scripted server where the server must refuse a logon or send an event,
// a closed port for a network failure. The account side (LinkAccount) is a
// plain object whose renewal the test holds back or decides.
import * as assert from 'node:assert/strict';
import * as net from 'node:net';
import { startEmulator } from '../../src/emulator/server';
import { DEFAULT_OPS } from '../../src/protocol/codes';
import { AuthenticationError, ConnectionLostError } from '../../src/protocol/errors';
import { InstamrktClient } from '../../src/protocol/client';
import type { ClientOptions, Credentials } from '../../src/protocol/clientOptions';
import { RestClient } from '../../src/protocol/rest';
import { ConnectionManager, type LinkAccount, type LinkDeps } from '../../src/sources/connection';
import { Lifecycle, SupersededError } from '../../src/sources/lifecycle';
import type { LinkState } from '../../src/sources/status';
import type { Emulator } from './support/emulatorClients';
import { RecordingLogger } from './support/recordingLogger';
import { startScriptedServer, send, type ScriptedServer } from './support/scriptedServer';
import { Gate } from './support/sessionKit';
import { nextEvent, waitFor } from './support/wait';

const ENDPOINTS = { requestTimeoutMs: 5000, keepAliveMs: 0 };

/** A LinkAccount with fixed credentials; canRenew and renew are the test's to set. */
class TestAccount implements LinkAccount {
  renewable = false;
  renewals = 0;
  /** Closed: renew() waits until opened. */
  readonly renewGate = new Gate();
  renewResult: () => Promise<boolean> = async () => false;
  /** The latest renew() call, settled once its answer is given (whatever it is). */
  lastRenewal: Promise<unknown> = Promise.resolve();
  constructor(readonly creds: Credentials) {}
  credentials(): Promise<Credentials | undefined> {
    return Promise.resolve(this.creds);
  }
  canRenew(): boolean {
    return this.renewable;
  }
  renew(): Promise<boolean> {
    this.renewals++;
    const held = this.renewGate.pass();
    const answer = (held ?? Promise.resolve()).then(() => this.renewResult());
    this.lastRenewal = answer.catch(() => undefined);
    return answer;
  }
}

/** The durations in a log line ("12 ms", "1.5 s"), in ms. */
function durationsIn(line: string): number[] {
  return [...line.matchAll(/after (\d+(?:\.\d+)?) (ms|s)\b|in (\d+(?:\.\d+)?) (ms|s)\b/g)].map((m) => {
    const value = Number(m[1] ?? m[3]);
    return (m[2] ?? m[4]) === 's' ? value * 1000 : value;
  });
}

/** Lets the manager finish what it does once a renewal has answered (its continuation runs in microtasks). */
async function afterRenewal(account: TestAccount): Promise<void> {
  await account.lastRenewal;
  await new Promise((resolve) => setImmediate(resolve));
}

/** A loopback port nothing listens on. */
async function closedPort(): Promise<number> {
  const server = net.createServer();
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as net.AddressInfo;
  await new Promise<void>((resolve) => server.close(() => resolve()));
  return port;
}

describe('ConnectionManager', () => {
  let emulator: Emulator;
  let logger: RecordingLogger;
  let lifecycle: Lifecycle;
  let account: TestAccount;
  let made: InstamrktClient[];
  const managers: ConnectionManager[] = [];

  /** A manager whose clients are the protocol's own, counted as they are made. */
  function makeManager(deps: Partial<LinkDeps> = {}): ConnectionManager {
    const m = new ConnectionManager({
      logger,
      client: (options: ClientOptions) => {
        const c = new InstamrktClient(options);
        made.push(c);
        return c;
      },
      reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
      ...deps,
    });
    managers.push(m);
    return m;
  }

  /**
   * A manager from a fresh copy of the module, without a client factory: the
   * protocol client's code is loaded on its first connect() (the loaded factory
   * is kept per module, and an earlier test may have loaded it in this one).
   */
  function freshManager(): ConnectionManager {
    const path = require.resolve('../../src/sources/connection');
    delete require.cache[path];
    // eslint-disable-next-line @typescript-eslint/no-require-imports
    const fresh = require(path) as typeof import('../../src/sources/connection');
    const m = new fresh.ConnectionManager({ logger, reconnect: false });
    managers.push(m);
    return m;
  }

  /** Every state the manager reports from now on. */
  function states(m: ConnectionManager): LinkState[] {
    const seen: LinkState[] = [];
    m.onDidChange(() => seen.push(m.state));
    return seen;
  }

  beforeEach(async () => {
    logger = new RecordingLogger();
    lifecycle = new Lifecycle();
    made = [];
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    account = new TestAccount({ userId: login.userId, sessionKey: login.sessionKey });
  });

  afterEach(async () => {
    account.renewGate.open();
    for (const m of managers.splice(0)) m.dispose();
    await emulator.close();
  });

  describe('connect()', () => {
    it('is "connecting" from the instant connect() is called, before the client exists', async () => {
      const m = makeManager();
      const connected = m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      assert.equal(m.state.kind, 'connecting');
      await connected;
      assert.equal(m.state.kind, 'connected');
    });

    it('uses the client factory it is given', async () => {
      const m = makeManager();
      await m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      assert.equal(made.length, 1);
      assert.equal(m.client, made[0]);
    });

    it('with an intent already superseded: rejects with SupersededError, makes no client, and is idle', async () => {
      const m = makeManager();
      const intent = lifecycle.begin('connect');
      lifecycle.begin('disconnect');
      const seen = states(m);
      await assert.rejects(m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, intent), SupersededError);
      assert.equal(made.length, 0);
      assert.equal(m.state.kind, 'idle');
      assert.deepEqual(seen, [], 'nothing was connecting, so nothing is published');
      assert.equal(emulator.connectionCount(), 0);
    });

    it('a superseded connect() after an earlier successful one leaves it idle too', async () => {
      const m = makeManager();
      await m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      m.close();
      const intent = lifecycle.begin('connect');
      lifecycle.begin('disconnect');
      await assert.rejects(m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, intent), SupersededError);
      assert.equal(m.state.kind, 'idle');
    });

    it('without a client factory, makes the protocol client and connects with it', async () => {
      const m = freshManager();
      const intent = lifecycle.begin('connect');
      const connecting = m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, intent);
      assert.equal(m.state.kind, 'connecting');
      await connecting;
      assert.ok(m.client instanceof InstamrktClient, 'a live client of the protocol');
      assert.equal(emulator.connectionCount(), 1);
    });

    it('superseded while a client exists (disconnected, waiting to retry): the state stays as it was', async () => {
      const m = makeManager();
      const url = `ws://127.0.0.1:${await closedPort()}`;
      await assert.rejects(m.connect({ serverUrl: url, ...ENDPOINTS }, account, lifecycle.begin('connect')));
      assert.equal(m.state.kind, 'disconnected');
      const intent = lifecycle.begin('connect');
      lifecycle.begin('disconnect');
      await assert.rejects(m.connect({ serverUrl: url, ...ENDPOINTS }, account, intent), SupersededError);
      assert.equal(m.state.kind, 'disconnected', 'not "connecting": nothing is');
    });

    it('a network failure rejects at once, shows "disconnected" with the next retry time, and does not fire onDidLose', async () => {
      const m = makeManager();
      let lost = 0;
      m.onDidLose(() => lost++);
      const url = `ws://127.0.0.1:${await closedPort()}`;
      const before = Date.now();
      await assert.rejects(m.connect({ serverUrl: url, ...ENDPOINTS }, account, lifecycle.begin('connect')));
      const state = m.state;
      assert.ok(state.kind === 'disconnected' && typeof state.nextRetryAt === 'number' && state.nextRetryAt >= before + 60_000, JSON.stringify(state));
      assert.equal(lost, 0, 'nothing was lost: it never connected');
      assert.equal(m.client, undefined, 'no live client while disconnected');
      const warned = logger.at('warn');
      assert.ok(warned.some((l) => l.startsWith(`Connect to ${url}: failed after `)), warned.join('\n'));
    });

    it('logs "connected in" once, with a duration no longer than the connect took, and measures latency at once', async () => {
      const m = makeManager();
      const started = performance.now();
      const latency = nextEvent(m.onDidChange, () => m.state.kind === 'connected' && m.state.latencyMs !== undefined, 'the latency');
      await m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      const took = performance.now() - started;
      await latency;
      const lines = logger.at('info').filter((l) => l.startsWith(`Connect to ${emulator.wsUrl}: connected in `));
      assert.equal(lines.length, 1, `one line, the latency update is not a new connection: ${logger.at('info').join('\n')}`);
      const [d] = durationsIn(lines[0]);
      assert.ok(d !== undefined && d <= took + 100, `${lines[0]} (took ${took} ms)`);
    });
  });

  describe('close()', () => {
    it('while connected: idle, no live client, onDidLose fired, logged as "Disconnected from … after … connected"', async () => {
      const m = makeManager();
      const started = performance.now();
      await m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      let lost = 0;
      m.onDidLose(() => lost++);
      m.close();
      const took = performance.now() - started;
      assert.equal(m.state.kind, 'idle');
      assert.equal(m.client, undefined);
      assert.equal(lost, 1);
      const line = logger.at('info').find((l) => l.startsWith(`Disconnected from ${emulator.wsUrl} after `));
      assert.ok(line !== undefined && line.endsWith(' connected'), logger.at('info').join('\n'));
      const [d] = durationsIn(line);
      assert.ok(d !== undefined && d <= took + 100, `${line} (took ${took} ms)`);
      await waitFor(() => emulator.connectionCount() === 0, 'the socket to close');
    });

    it('while connecting: the waiting connect() rejects with "the connection was closed", logged as "stopped"', async () => {
      const server = await startScriptedServer();
      try {
        server.logonRes = undefined; // the logon is never answered: it stays connecting
        const m = makeManager();
        const connecting = m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
        await waitFor(() => server.received.some((r) => r.op === DEFAULT_OPS.logon), 'the logon to be sent');
        m.close();
        await assert.rejects(connecting, (err: unknown) => err instanceof ConnectionLostError && /the connection was closed/.test(err.message));
        const line = logger.at('info').find((l) => l.startsWith(`Connect to ${server.wsUrl}: stopped after `));
        assert.ok(line, logger.at('info').join('\n'));
      } finally {
        await server.close();
      }
    });
  });

  describe('a connection that drops', () => {
    it('fires onDidLose, shows "connecting" while the client retries, then "connected"; logged as "Disconnected from … connected: <reason>"', async () => {
      const m = makeManager({ reconnect: { initialDelayMs: 20, maxDelayMs: 20, jitter: 0 } });
      await m.connect({ serverUrl: emulator.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      let lost = 0;
      m.onDidLose(() => lost++);
      const seen = states(m);
      const back = nextEvent(m.onDidConnect, () => true, 'the reconnect');
      emulator.dropConnections();
      await back;
      assert.equal(lost, 1);
      // From the drop on (a latency update of the first connection may come before it), each change of kind once.
      const fromDrop = seen.slice(seen.findIndex((s) => s.kind === 'disconnected'));
      const kinds = fromDrop.map((s) => s.kind).filter((k, i, all) => k !== all[i - 1]);
      assert.deepEqual(kinds.slice(0, 3), ['disconnected', 'connecting', 'connected'], JSON.stringify(seen));
      // The manager's own lines (the client logs its own details to the same logger).
      const warned = logger.at('warn').filter((l) => l.startsWith('Connect to ') || l.startsWith('Disconnected from '));
      assert.equal(warned.length, 1, `one warning, for the drop (reconnecting is none): ${warned.join('\n')}`);
      assert.ok(warned[0].startsWith(`Disconnected from ${emulator.wsUrl} after `) && / connected: .+/.test(warned[0]), warned[0]);
    });
  });

  describe('events', () => {
    it('forwards the server\'s events from the live client', async () => {
      const server = await startScriptedServer();
      try {
        const m = makeManager();
        await m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
        const got = nextEvent(m.onEvent, (e) => e.res === 4242, 'the event');
        send([...server.sockets][0], 4242, { hello: 'world' });
        assert.equal((await got).res, 4242);
      } finally {
        await server.close();
      }
    });
  });

  describe('a key the server refuses', () => {
    let server: ScriptedServer;
    beforeEach(async () => {
      server = await startScriptedServer();
      server.logonRes = 110;
    });
    afterEach(() => server.close());

    it('without a renewal: authFailed with the server\'s reason, connect() rejects with AuthenticationError, logged as "refused"', async () => {
      const m = makeManager();
      await assert.rejects(m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect')), AuthenticationError);
      const state = m.state;
      assert.ok(state.kind === 'authFailed' && /Session not valid/.test(state.error), JSON.stringify(state));
      assert.equal(account.renewals, 0);
      assert.ok(logger.at('warn').some((l) => l.startsWith(`Connect to ${server.wsUrl}: refused after `) && l.includes('Session not valid')), logger.at('warn').join('\n'));
    });

    it('a renewal that fails: authFailed after one logon, not retried', async () => {
      account.renewable = true;
      account.renewResult = async () => false;
      const m = makeManager();
      await assert.rejects(m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect')), AuthenticationError);
      assert.equal(m.state.kind, 'authFailed');
      assert.equal(account.renewals, 1);
      assert.equal(server.attempts, 1, 'no second logon');
    });

    it('a renewal that throws counts as failed: authFailed after one logon', async () => {
      account.renewable = true;
      account.renewResult = () => Promise.reject(new Error('REST is down'));
      const m = makeManager();
      await assert.rejects(m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect')), AuthenticationError);
      assert.equal(m.state.kind, 'authFailed');
      assert.equal(server.attempts, 1);
    });

    it('a renewal that succeeds: connects again with the renewed key', async () => {
      account.renewable = true;
      account.renewResult = async () => {
        server.logonRes = 100;
        return true;
      };
      const m = makeManager();
      await m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      assert.equal(m.state.kind, 'connected');
      assert.equal(account.renewals, 1);
      assert.equal(server.attempts, 2);
    });

    it('close() during the renewal: the renewal\'s end changes nothing (idle, no new logon)', async () => {
      account.renewable = true;
      account.renewGate.close();
      const reached = account.renewGate.reached();
      account.renewResult = async () => false;
      const m = makeManager();
      const connecting = m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      await reached;
      assert.equal(m.state.kind, 'connecting', 'renewing shows as connecting');
      m.close();
      await assert.rejects(connecting, ConnectionLostError);
      const seen = states(m);
      account.renewGate.open();
      await afterRenewal(account);
      assert.equal(m.state.kind, 'idle');
      assert.deepEqual(seen, [], 'nothing published after the close');
      assert.equal(server.attempts, 1);
    });

    it('connect() again during the renewal: the stale renewal\'s failure does not decide the new attempt', async () => {
      account.renewable = true;
      account.renewGate.close();
      const reached = account.renewGate.reached();
      account.renewResult = async () => false;
      const m = makeManager();
      const first = m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      first.catch(() => undefined);
      await reached;
      // A new connect() while the first renewal waits: the server now accepts, and the new attempt logs on.
      server.logonRes = 100;
      const second = m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
      await second;
      assert.equal(m.state.kind, 'connected');
      account.renewGate.open();
      await afterRenewal(account);
      assert.equal(m.state.kind, 'connected', 'the stale renewal\'s failure did not mark it authFailed');
    });
  });

  describe('dispose()', () => {
    it('no listener hears anything after dispose(), even of a connection made after it', async () => {
      const server = await startScriptedServer();
      try {
        const m = makeManager();
        const heard: string[] = [];
        m.onDidChange(() => heard.push('change'));
        m.onDidConnect(() => heard.push('connect'));
        m.onDidLose(() => heard.push('lose'));
        m.onEvent(() => heard.push('event'));
        m.dispose();
        await m.connect({ serverUrl: server.wsUrl, ...ENDPOINTS }, account, lifecycle.begin('connect'));
        const client = m.client;
        assert.ok(client, 'connected');
        // The manager's own listener was registered first: by the time this one hears the event, it has too.
        const delivered = nextEvent(client.onEvent, (e) => e.res === 4242, 'the event at the client');
        send([...server.sockets][0], 4242, { hello: 'world' });
        await delivered;
        m.close();
        assert.deepEqual(heard, []);
      } finally {
        await server.close();
      }
    });
  });
});
