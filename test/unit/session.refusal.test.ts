// A logon the server refuses is an authentication outcome (issue 8, B12): it
// is shown once, as authFailed with the server's own reason, after at most one
// renewal with a stored password, and never retried on a timer. The REST
// sign-in is the real emulator's; the WebSocket server is a scripted one that
// refuses every logon with 110 ("Session not valid"). Real sockets both.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { AuthenticationError } from '../../src/protocol/errors';
import { Session } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { startScriptedServer, type ScriptedServer } from './support/scriptedServer';
import { HeldRest, MemoryStore, quietLogger, recordStatuses } from './support/sessionKit';
import { nextEvent, waitFor } from './support/wait';

/** Read through a call, so TypeScript does not narrow one reading by an earlier assertion. */
const statusOf = (s: Session) => s.snapshot.status;
const kindOf = (s: Session): string => statusOf(s).kind;

describe('Session: a logon the server refuses (issue 8, B12)', () => {
  let emulator: Emulator;
  let server: ScriptedServer;
  let store: MemoryStore;
  let rest: HeldRest;
  const sessions: Session[] = [];

  function makeSession(): Session {
    const s = new Session({
      store,
      endpoints: () => ({ serverUrl: server.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: rest.factory,
      logger: quietLogger,
      // Quick automatic reconnects, so the test does not wait for the default backoff.
      reconnect: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
    });
    sessions.push(s);
    return s;
  }

  beforeEach(async () => {
    store = new MemoryStore();
    rest = new HeldRest();
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    server = await startScriptedServer();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    await server.close();
    await emulator.close();
  });

  it('at start with a stored password: renews once, then shows authFailed once with the server reason, and does not retry', async () => {
    server.logonRes = 110;
    store.data.set(server.wsUrl, { userId: '1001', username: 'demo', password: 'demo', restUrl: emulator.url, sessionKey: 'k'.repeat(48), issuedAt: Date.now() });
    const s = makeSession();
    const statuses = recordStatuses(s.onDidChange);
    await s.start(true);
    assert.equal(kindOf(s), 'authFailed');
    assert.deepEqual(
      statuses.kinds().filter((k) => k === 'authFailed'),
      ['authFailed'],
      `authFailed is shown once, at the end: ${statuses.kinds().join(', ')}`,
    );
    assert.equal(statuses.kinds().at(-1), 'authFailed');
    const status = statusOf(s);
    assert.ok(status.kind === 'authFailed' && /Session not valid/.test(status.error), `the server's reason is shown: ${JSON.stringify(status)}`);
    assert.equal(rest.issued.length, 1, 'one renewal');
    assert.equal(server.attempts, 2, 'one logon with the stored key, one with the renewed key');
    assert.equal(store.data.get(server.wsUrl)?.sessionKey, rest.issued[0]?.sessionKey, 'the renewed key (a good one from REST) is kept');
  });

  it('during an automatic reconnect: renews once, then shows authFailed once, and no backoff retry follows', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    assert.equal(kindOf(s), 'connected');
    server.logonRes = 110;
    const statuses = recordStatuses(s.onDidChange);
    const failed = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'authFailed', 'the refusal to be shown', 10_000);
    server.dropAll();
    await failed;
    // What follows a refusal is decided synchronously: no renewal in flight, no retry scheduled.
    const status = statusOf(s);
    assert.ok(status.kind === 'authFailed' && /Session not valid/.test(status.error), JSON.stringify(status));
    assert.equal(rest.issued.length, 2, 'the sign-in, then exactly one renewal');
    assert.equal(server.attempts, 3, 'the first connection, the reconnect with the old key, the one with the renewed key');
    // A later explicit connect is the user's new intent: it is one more attempt, not a retry loop.
    await assert.rejects(s.connect(), AuthenticationError);
    assert.equal(server.attempts, 5, 'one attempt and one renewal more, at the user’s request');
    assert.equal(rest.issued.length, 3);
    assert.deepEqual(
      statuses.kinds().filter((k) => k === 'authFailed'),
      ['authFailed', 'authFailed'],
      `shown once per failure: ${statuses.kinds().join(', ')}`,
    );
  });

  it('a sign-in whose logon is refused rejects with the server reason, stores nothing, and leaves the status as it was', async () => {
    server.logonRes = 110;
    const s = makeSession();
    await s.start(false);
    assert.equal(kindOf(s), 'signedOut');
    const statuses = recordStatuses(s.onDidChange);
    await assert.rejects(s.signIn('demo', 'demo'), (err: unknown) => {
      assert.ok(err instanceof AuthenticationError, String(err));
      assert.match(err.message, /Session not valid/);
      return true;
    });
    assert.equal(store.data.size, 0, 'nothing stored');
    assert.deepEqual(store.ops, []);
    assert.equal(kindOf(s), 'signedOut', 'the caller shows the refusal; the status does not repeat it');
    assert.match(s.snapshot.lastError ?? '', /Session not valid/, 'the reason stays in the tooltip');
    assert.ok(!statuses.kinds().includes('authFailed'), `not shown a second time: ${statuses.kinds().join(', ')}`);
    await waitFor(() => server.sockets.size === 0, 'the refused socket to be closed');
  });

  it('never sends the stored password to a sign-in address other than the one it was given to (instamrkt.restUrl changed since)', async () => {
    const elsewhere = await startEmulator({ port: 0, seed: 'demo' });
    try {
      let restUrl = emulator.url;
      const loginsAt: string[] = [];
      const s = new Session({
        store,
        endpoints: () => ({ serverUrl: server.wsUrl, restUrl, requestTimeoutMs: 5000, keepAliveMs: 0 }),
        rest: (url) => {
          const real = rest.factory(url);
          return { login: (u, p) => (loginsAt.push(url), real.login(u, p)), logout: (k) => real.logout(k) };
        },
        logger: quietLogger,
        reconnect: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
      });
      sessions.push(s);
      await s.signIn('demo', 'demo');
      assert.equal(store.data.get(server.wsUrl)?.restUrl, emulator.url, 'the account records where the password went');
      // The setting now names another sign-in address; the WebSocket server is the same, so the stored account is used.
      restUrl = elsewhere.url;
      await s.reconfigure(true);
      assert.equal(kindOf(s), 'connected');
      server.logonRes = 110;
      const failed = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'authFailed', 'the refusal to be shown', 10_000);
      server.dropAll();
      await failed;
      assert.deepEqual(loginsAt, [emulator.url], 'no renewal sent the password to the new address');
    } finally {
      await elsewhere.close();
    }
  });
});
