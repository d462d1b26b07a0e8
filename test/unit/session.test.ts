// Session against the real emulator, real REST and real client: sign-in with
// password or session key, verification before storing, renewal of expired
// keys, sign-out, and following another window.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { AuthenticationError } from '../../src/protocol/errors';
import { RestClient } from '../../src/protocol/rest';
import { Account, Session, SESSION_KEY_LIFETIME_MS } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger } from './support/sessionKit';
import { nextEvent } from './support/wait';

describe('Session', () => {
  let emulator: Emulator;
  let clock: number;
  let store: MemoryStore;
  const sessions: Session[] = [];

  function makeSession(now: () => number = () => clock): Session {
    const s = new Session({
      store,
      endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger: quietLogger,
      now,
    });
    sessions.push(s);
    return s;
  }

  beforeEach(async () => {
    clock = Date.now();
    store = new MemoryStore();
    emulator = await startEmulator({ port: 0, seed: 'demo', now: () => clock, users: [{ username: 'alice', password: 'alice-Pa55word-xyz', developer: true }] });
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    await emulator.close();
  });

  it('starts signed out with nothing stored', async () => {
    const s = makeSession();
    await s.start(true);
    assert.equal(s.snapshot.status.kind, 'signedOut');
    assert.equal(s.api, undefined);
  });

  it('publishes its first status from start(): signed out, connecting, or signed out with the reason start() failed', async () => {
    const first = (s: Session) => nextEvent(s.onDidChange, () => true, 'the first status');
    const empty = makeSession();
    const seenEmpty = first(empty);
    await empty.start(false);
    assert.equal((await seenEmpty).status.kind, 'signedOut');

    store.data.set(emulator.wsUrl, { userId: '1001', sessionKey: 'k'.repeat(32), issuedAt: clock });
    const stored = makeSession();
    const seenStored = first(stored);
    await stored.start(false);
    assert.equal((await seenStored).status.kind, 'disconnected', 'signed in, not connecting: idle');

    store.get = () => Promise.reject(new Error('the keyring is locked'));
    const failing = makeSession();
    const seenFailing = first(failing);
    await assert.rejects(failing.start(true), /the keyring is locked/);
    const snap = await seenFailing;
    assert.equal(snap.status.kind, 'signedOut');
    assert.match(snap.lastError ?? '', /the keyring is locked/);
  });

  it('signs in with a password, connects, and stores the account', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.equal(s.snapshot.username, 'demo');
    assert.equal(s.snapshot.userId, '1001');
    const stored = store.data.get(emulator.wsUrl);
    assert.ok(stored);
    assert.equal(stored.password, 'demo');
    assert.ok(stored.sessionKey.length > 0);
    assert.ok(s.api, 'a live client is offered');
    assert.equal((await s.api.listGameSources()).length, 1);
  });

  it('never puts a secret into the snapshot the UI shows', async () => {
    const s = makeSession();
    await s.signIn('alice', 'alice-Pa55word-xyz');
    const stored = store.data.get(emulator.wsUrl) as Account;
    const text = JSON.stringify(s.snapshot);
    assert.ok(text.includes('alice'), 'the user name is shown');
    assert.ok(!text.includes(stored.sessionKey), 'the session key is not');
    assert.ok(!text.includes('alice-Pa55word-xyz'), 'the password is not');
  });

  it('rejects a wrong password with the server message and stores nothing', async () => {
    const s = makeSession();
    await assert.rejects(s.signIn('demo', 'wrong'), AuthenticationError);
    assert.equal(store.data.size, 0);
    assert.equal(s.snapshot.status.kind, 'signedOut');
  });

  it('signs in with a session key only once the server accepts it', async () => {
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    const s = makeSession();
    await s.signInWithSessionKey(login.userId, login.sessionKey);
    assert.equal(s.snapshot.status.kind, 'connected');
    const stored = store.data.get(emulator.wsUrl);
    assert.equal(stored?.sessionKey, login.sessionKey);
    assert.equal(stored?.password, undefined, 'no password was given, none is stored');
  });

  it('refuses a wrong session key and keeps the previous account', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const before = { ...store.data.get(emulator.wsUrl) };
    await assert.rejects(s.signInWithSessionKey('1001', 'not-the-key'), AuthenticationError);
    assert.deepEqual(store.data.get(emulator.wsUrl), before);
    assert.equal(s.snapshot.username, 'demo');
  });

  it('renews an expired session key with the stored password before connecting', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const oldKey = store.data.get(emulator.wsUrl)?.sessionKey;
    s.disconnect();
    clock += SESSION_KEY_LIFETIME_MS + 60_000;
    await s.connect();
    assert.equal(s.snapshot.status.kind, 'connected');
    const newKey = store.data.get(emulator.wsUrl)?.sessionKey;
    assert.ok(newKey && newKey !== oldKey, 'a fresh key was issued and stored');
  });

  it('renews a key the server refuses (expired early) with the stored password', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const oldKey = store.data.get(emulator.wsUrl)?.sessionKey;
    s.disconnect();
    // The server's clock moves past the key's lifetime, the session's own clock does not: only the refusal tells.
    clock += SESSION_KEY_LIFETIME_MS + 60_000;
    const frozen = makeSession(() => Date.now());
    await frozen.start(false);
    await frozen.connect();
    assert.equal(frozen.snapshot.status.kind, 'connected');
    assert.notEqual(store.data.get(emulator.wsUrl)?.sessionKey, oldKey);
  });

  it('renews a key the server refuses during an automatic reconnect, stores the new key and connects again', async () => {
    // The session's clock stands still; only the server's moves past the key's lifetime, so
    // nothing but the server's refusal (HTTP 401 on the reconnect's handshake) can trigger the renewal.
    const s = makeSession(() => Date.now());
    await s.signIn('demo', 'demo');
    const oldKey = store.data.get(emulator.wsUrl)?.sessionKey;
    clock += SESSION_KEY_LIFETIME_MS + 60_000;
    // The refusal is not shown while the renewal runs: the first settled status is the outcome.
    const outcome = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'connected' || snap.status.kind === 'authFailed', 'the outcome of the reconnection', 15_000);
    emulator.dropConnections();
    assert.equal((await outcome).status.kind, 'connected');
    const newKey = store.data.get(emulator.wsUrl)?.sessionKey;
    assert.ok(newKey && newKey !== oldKey, 'a fresh key was issued and stored');
  });

  it('asks the user to sign in again when an expired key cannot be renewed', async () => {
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    const s = makeSession();
    await s.signInWithSessionKey(login.userId, login.sessionKey);
    s.disconnect();
    clock += SESSION_KEY_LIFETIME_MS + 60_000;
    await assert.rejects(s.connect(), AuthenticationError);
    assert.equal(s.snapshot.status.kind, 'authFailed');
  });

  it('signs out: secrets deleted, disconnected, and the key ended on the server', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const key = store.data.get(emulator.wsUrl)?.sessionKey as string;
    const signedOut = nextEvent(s.onDidSignOut, () => true, 'sign-out event');
    await s.signOut();
    await signedOut;
    assert.equal(store.data.size, 0);
    assert.equal(s.snapshot.status.kind, 'signedOut');
    // The server-side logout is best effort and asynchronous: poll until the old key is refused.
    const probeStore = new MemoryStore();
    const deadline = Date.now() + 5000;
    let refused = false;
    while (!refused && Date.now() < deadline) {
      await probeStore.set(emulator.wsUrl, { userId: '1001', sessionKey: key, issuedAt: clock });
      const probe = new Session({
        store: probeStore,
        endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
        rest: (url) => new RestClient(url),
        logger: quietLogger,
      });
      sessions.push(probe);
      try {
        await probe.connect();
        probe.disconnect();
      } catch (err) {
        assert.ok(err instanceof AuthenticationError, `refused as an authentication failure, not ${String(err)}`);
        refused = true;
      }
    }
    assert.ok(refused, 'the old session key no longer opens a connection');
  });

  it('follows a sign-out made in another window', async () => {
    const a = makeSession();
    await a.signIn('demo', 'demo');
    const b = makeSession();
    await b.start(true);
    assert.equal(b.snapshot.status.kind, 'connected');
    await a.signOut();
    await b.accountChangedElsewhere(emulator.wsUrl);
    assert.equal(b.snapshot.status.kind, 'signedOut');
    assert.equal(b.api, undefined);
  });

  it('reports a dropped connection as disconnected with a retry time, then connected again', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const lost = nextEvent(s.onDidChange, (snap) => snap.status.kind !== 'connected', 'losing the connection');
    const back = nextEvent(s.onDidConnect, () => true, 'reconnection', 15_000);
    const droppedAt = Date.now();
    emulator.dropConnections();
    const status = (await lost).status;
    assert.equal(status.kind, 'disconnected', 'the first status after the drop');
    assert.ok(status.kind === 'disconnected' && typeof status.nextRetryAt === 'number', `with a retry time: ${JSON.stringify(status)}`);
    assert.ok(status.nextRetryAt >= droppedAt && status.nextRetryAt <= Date.now() + 60_000, `the retry time is ahead, within the backoff: ${JSON.stringify(status)}`);
    await back;
    assert.equal(s.snapshot.status.kind, 'connected');
  });
});
