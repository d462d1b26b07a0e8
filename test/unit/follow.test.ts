// Following another window (sources/follow.ts) through Session, against the
// real emulator over real sockets: a sign-in or sign-out made elsewhere is
// done here too; a change for another server, an unreadable store, settings
// that moved on meanwhile, or a disposed session change nothing. The store is
// the AccountStore contract in memory, shared "with the other window" by
// writing into it directly.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import { Session, type Account } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, recordStatuses } from './support/sessionKit';
import { RecordingLogger } from './support/recordingLogger';
import { nextEvent, waitFor } from './support/wait';

const ALICE = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };

describe('Following another window (follow.ts)', () => {
  let emulator: Emulator;
  let store: MemoryStore;
  let logger: RecordingLogger;
  let serverUrl: string;
  const sessions: Session[] = [];

  function makeSession(reconnectDelayMs = 50): Session {
    const s = new Session({
      store,
      endpoints: () => ({ serverUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger,
      reconnect: { initialDelayMs: reconnectDelayMs, maxDelayMs: reconnectDelayMs, jitter: 0 },
    });
    sessions.push(s);
    return s;
  }

  /** What another window stores after signing in as `user` over REST. */
  async function signedInElsewhere(user: { username: string; password: string }): Promise<Account> {
    const login = await new RestClient(emulator.url).login(user.username, user.password);
    return { userId: login.userId, username: login.username, password: user.password, restUrl: emulator.url, sessionKey: login.sessionKey, issuedAt: Date.now() };
  }

  beforeEach(async () => {
    store = new MemoryStore();
    logger = new RecordingLogger();
    emulator = await startEmulator({ port: 0, seed: 'demo', users: [ALICE] });
    serverUrl = emulator.wsUrl;
  });

  afterEach(async () => {
    store.reads.open();
    store.sets.open();
    for (const s of sessions.splice(0)) s.dispose();
    await emulator.close();
  });

  it('a sign-out elsewhere: signed out here, onDidSignOut fired, "signedOut" published, the earlier error cleared, logged', async () => {
    // No automatic reconnect within the test: the drop's error stays shown until the change.
    const s = makeSession(60_000);
    await s.signIn('demo', 'demo');
    const lost = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'disconnected', 'the drop');
    emulator.dropConnections();
    await lost;
    assert.ok(s.snapshot.lastError, 'an error is shown before the change');
    let signedOut = 0;
    s.onDidSignOut(() => signedOut++);
    const statuses = recordStatuses(s.onDidChange);
    store.data.delete(serverUrl);
    await s.accountChangedElsewhere(serverUrl);
    assert.equal(signedOut, 1);
    assert.equal(statuses.seen.at(-1)?.status.kind, 'signedOut', 'published');
    assert.equal(statuses.seen.at(-1)?.lastError, undefined, 'the error from before is cleared');
    assert.equal(s.heldAccount, null);
    assert.ok(logger.at('info').includes('Signed out in another window.'), logger.at('info').join('\n'));
    await waitFor(() => emulator.connectionCount() === 0, 'the connection to be closed');
  });

  it('a sign-in elsewhere as another user: connected here as that user, onDidResetAccount fired, nothing written by this window, logged', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const writes = store.ops.length;
    let resets = 0;
    s.onDidResetAccount(() => resets++);
    let signedOut = 0;
    s.onDidSignOut(() => signedOut++);
    const alice = await signedInElsewhere(ALICE);
    store.data.set(serverUrl, alice);
    await s.accountChangedElsewhere(serverUrl);
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.equal(s.snapshot.username, 'alice');
    assert.equal(s.heldAccount?.sessionKey, alice.sessionKey, 'the other window\'s key is used');
    assert.equal(resets, 1, 'what was shown belonged to demo');
    assert.equal(signedOut, 0, 'a sign-in elsewhere is no sign-out');
    assert.equal(store.ops.length, writes, 'this window wrote nothing');
    assert.ok(logger.at('info').includes('Signed in in another window.'), logger.at('info').join('\n'));
    await waitFor(() => emulator.connectionCount() === 1, 'one connection: the old one closed');
  });

  it('a new key for the same user elsewhere: reconnected with it, onDidResetAccount not fired', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const oldKey = s.heldAccount?.sessionKey;
    let resets = 0;
    s.onDidResetAccount(() => resets++);
    const renewed = await signedInElsewhere({ username: 'demo', password: 'demo' });
    assert.notEqual(renewed.sessionKey, oldKey);
    store.data.set(serverUrl, renewed);
    await s.accountChangedElsewhere(serverUrl);
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.equal(s.heldAccount?.sessionKey, renewed.sessionKey);
    assert.equal(resets, 0, 'the same user: what is shown stays theirs');
  });

  it('a sign-in elsewhere while signed out here: connected, onDidResetAccount not fired (nothing was shown)', async () => {
    const s = makeSession();
    await s.start(true);
    assert.equal(s.snapshot.status.kind, 'signedOut');
    let resets = 0;
    s.onDidResetAccount(() => resets++);
    store.data.set(serverUrl, await signedInElsewhere(ALICE));
    await s.accountChangedElsewhere(serverUrl);
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.equal(s.snapshot.username, 'alice');
    assert.equal(resets, 0);
  });

  it('a sign-in elsewhere with a key the server refuses: resolves, shows authFailed, and logs why at debug level', async () => {
    const s = makeSession();
    await s.start(true);
    store.data.set(serverUrl, { userId: '1001', username: 'demo', sessionKey: 'not-a-key-the-server-knows'.padEnd(48, 'x'), issuedAt: Date.now() });
    await s.accountChangedElsewhere(serverUrl);
    assert.equal(s.snapshot.status.kind, 'authFailed');
    assert.ok(
      logger.at('debug').some((m) => m.startsWith('Following the other window\'s sign-in:')),
      `the failure is logged: ${logger.at('debug').join('\n')}`,
    );
  });

  it('a sign-in elsewhere superseded by a Disconnect here while it connects: nothing logged about its outcome', async () => {
    const s = makeSession();
    await s.start(true);
    store.data.set(serverUrl, await signedInElsewhere(ALICE));
    const connecting = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'connecting', 'the follow to start connecting');
    const following = s.accountChangedElsewhere(serverUrl);
    await connecting;
    s.disconnect();
    await following;
    assert.equal(s.snapshot.status.kind, 'disconnected', 'the disconnect is what shows');
    assert.deepEqual(
      logger.at('debug').filter((m) => m.startsWith('Following the other window\'s sign-in:')),
      [],
      'the superseded follow reports nothing',
    );
  });

  it('a change event for another server is ignored without reading the store', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    store.reads.close();
    let reached = false;
    void store.reads.reached().then(() => (reached = true));
    store.data.delete(serverUrl);
    await s.accountChangedElsewhere('wss://elsewhere.example.test/ws');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(reached, false, 'the store was not read');
    assert.equal(s.snapshot.status.kind, 'connected');
  });

  it('settings pointing at another server while the store is read: the change is not followed', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    let signedOut = 0;
    s.onDidSignOut(() => signedOut++);
    store.reads.close();
    const readReached = store.reads.reached();
    store.data.delete(emulator.wsUrl);
    const following = s.accountChangedElsewhere(emulator.wsUrl);
    await readReached;
    serverUrl = 'ws://127.0.0.1:1/elsewhere'; // the settings changed; the session hears of it later
    store.reads.open();
    await following;
    assert.equal(signedOut, 0, 'the old server\'s sign-out is not followed');
    assert.equal(s.heldAccount?.username, 'demo');
  });

  it('a store that cannot be read: a warning with the reason, and nothing changes', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    store.get = () => Promise.reject(new Error('the keyring is locked'));
    await s.accountChangedElsewhere(serverUrl);
    assert.ok(
      logger.at('warn').includes('Could not read the account another window changed: the keyring is locked'),
      logger.at('warn').join('\n'),
    );
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.equal(s.heldAccount?.username, 'demo');
  });

  it('after dispose(), a change made elsewhere is not adopted', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    s.dispose();
    let accountChanges = 0;
    s.onDidChangeAccount(() => accountChanges++);
    store.data.set(serverUrl, await signedInElsewhere(ALICE));
    await s.accountChangedElsewhere(serverUrl);
    assert.equal(s.heldAccount?.username, 'demo', 'the held account is the one before dispose');
    assert.equal(accountChanges, 0);
  });
});
