// Session under a user's own timing (issue 8, A1): a sign-out, a second
// sign-in, a settings change or another window's sign-out while a sign-in, a
// connect or a key renewal is still waiting on the server. The latest intent
// wins; the interrupted one stores nothing, shows nothing, leaves no socket
// open, and rejects with SupersededError. Real emulator, real sockets.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { SupersededError } from '../../src/sources/lifecycle';
import { Session, SESSION_KEY_LIFETIME_MS, type Endpoints } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { HeldRest, keyEnded, MemoryStore, quietLogger, recordStatuses } from './support/sessionKit';
import { nextEvent, waitFor } from './support/wait';

/** Read through a call, so TypeScript does not narrow one reading by an earlier assertion. */
const statusOf = (s: Session) => s.snapshot.status;
const kindOf = (s: Session): string => statusOf(s).kind;

const ALICE = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };

function endpointsOf(e: Emulator): Endpoints {
  return { serverUrl: e.wsUrl, restUrl: e.url, requestTimeoutMs: 5000, keepAliveMs: 0 };
}

/** Asserts that `p` rejects with SupersededError (the interrupted call's promised outcome). */
async function assertSuperseded(p: Promise<unknown>, by: string): Promise<void> {
  await assert.rejects(p, (err: unknown) => {
    assert.ok(err instanceof SupersededError, `rejects with SupersededError, not ${String(err)}`);
    assert.equal(err.code, 'superseded');
    assert.equal(err.by, by);
    return true;
  });
}

describe('Session: the latest intent wins (issue 8, A1)', () => {
  let emulator: Emulator;
  let clock: number;
  let store: MemoryStore;
  let rest: HeldRest;
  const sessions: Session[] = [];

  function makeSession(endpoints: () => Endpoints = () => endpointsOf(emulator), now: () => number = () => clock): Session {
    const s = new Session({ store, endpoints, rest: rest.factory, logger: quietLogger, now });
    sessions.push(s);
    return s;
  }

  /** Everything a sign-out promises, checked from outside: nothing stored since it began, no socket, and a reload stays signed out. */
  async function assertSignedOutForGood(s: Session): Promise<void> {
    assert.deepEqual(store.writesAfter('signOut').filter((o) => o.op === 'set'), [], 'nothing was stored after the sign-out began');
    assert.equal(store.data.size, 0, 'nothing is stored');
    assert.equal(kindOf(s), 'signedOut');
    assert.equal(s.api, undefined);
    await waitFor(() => emulator.connectionCount() === 0, 'no connection of ours left open on the server');
    const reloaded = makeSession();
    await reloaded.start(true);
    assert.equal(reloaded.snapshot.status.kind, 'signedOut', 'a reload stays signed out');
  }

  beforeEach(async () => {
    clock = Date.now();
    store = new MemoryStore();
    rest = new HeldRest();
    emulator = await startEmulator({ port: 0, seed: 'demo', now: () => clock, users: [ALICE] });
  });

  afterEach(async () => {
    rest.release();
    for (const s of sessions.splice(0)) s.dispose();
    await emulator.close();
  });

  it('a sign-out during a slow REST login wins: the late login stores nothing, opens nothing, shows nothing, and its key is ended', async () => {
    const s = makeSession();
    rest.held = true;
    const reached = rest.reached();
    const signingIn = s.signIn('demo', 'demo');
    await reached;
    store.mark('signOut');
    await s.signOut();
    const after = recordStatuses(s.onDidChange);
    rest.release();
    await assertSuperseded(signingIn, 'signOut');
    assert.deepEqual(after.kinds(), [], 'the interrupted sign-in shows nothing');
    await assertSignedOutForGood(s);
    const issued = rest.issued[0];
    assert.ok(issued);
    await keyEnded(emulator, issued.userId, issued.sessionKey);
  });

  it('a sign-out during a slow logon wins: nothing stored, the socket closed, a reload stays signed out, and the key is ended', async () => {
    await emulator.close();
    emulator = await startEmulator({ port: 0, seed: 'demo', now: () => clock, replyDelays: { logon: 300 } });
    const s = makeSession();
    const connecting = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'connecting', 'the logon to be under way');
    const signingIn = s.signIn('demo', 'demo');
    await connecting;
    await waitFor(() => emulator.connectionCount() === 1, 'the socket to be open on the server');
    store.mark('signOut');
    await s.signOut();
    await assertSuperseded(signingIn, 'signOut');
    await assertSignedOutForGood(s);
    const issued = rest.issued[0];
    assert.ok(issued);
    await keyEnded(emulator, issued.userId, issued.sessionKey);
  });

  it('a second sign-in started while the first waits wins; the first stores nothing and shows nothing', async () => {
    const s = makeSession();
    rest.held = true;
    const reached = rest.reached();
    const first = s.signIn('demo', 'demo');
    await reached;
    rest.held = false; // only the first login is slow
    store.mark('second');
    await s.signIn(ALICE.username, ALICE.password);
    assert.equal(kindOf(s), 'connected');
    const after = recordStatuses(s.onDidChange);
    rest.release();
    await assertSuperseded(first, 'signIn');
    const writes = store.writesAfter('second');
    assert.ok(writes.length > 0 && writes.every((o) => o.op === 'set' && o.account.username === 'alice'), 'only the second sign-in stored anything');
    assert.deepEqual(store.ops.filter((o) => o.op === 'set' && o.account.username === 'demo'), [], 'the first stored nothing at all');
    assert.equal(store.data.get(emulator.wsUrl)?.username, 'alice');
    assert.equal(s.snapshot.username, 'alice');
    assert.equal(kindOf(s), 'connected');
    assert.ok(
      after.seen.every((snap) => snap.status.kind === 'connected' && snap.username === 'alice'),
      `nothing of the first sign-in is shown: ${after.kinds().join(', ')}`,
    );
    await waitFor(() => emulator.connectionCount() === 1, 'one connection, the second sign-in’s');
  });

  it('a settings change (reconfigure) during a slow sign-in wins: nothing stored, nothing open', async () => {
    const s = makeSession();
    rest.held = true;
    const reached = rest.reached();
    const signingIn = s.signIn('demo', 'demo');
    await reached;
    store.mark('signOut');
    await s.reconfigure(true);
    rest.release();
    await assertSuperseded(signingIn, 'reconfigure');
    await assertSignedOutForGood(s);
  });

  it('switching endpoints (useEndpoints) during a slow sign-in wins: nothing stored for either server', async () => {
    const other = await startEmulator({ port: 0, seed: 'demo' });
    try {
      const s = makeSession();
      rest.held = true;
      const reached = rest.reached();
      const signingIn = s.signIn('demo', 'demo');
      await reached;
      store.mark('signOut');
      await s.useEndpoints(endpointsOf(other), true);
      rest.release();
      await assertSuperseded(signingIn, 'reconfigure');
      assert.equal(s.snapshot.serverUrl, other.wsUrl);
      assert.equal(kindOf(s), 'signedOut');
      assert.equal(store.data.size, 0);
      assert.deepEqual(store.writesAfter('signOut'), []);
      await waitFor(() => emulator.connectionCount() === 0 && other.connectionCount() === 0, 'no connection to either server');
    } finally {
      await other.close();
    }
  });

  it('another window signing out during a slow sign-in wins: the sign-in stores nothing', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    rest.held = true;
    const reached = rest.reached();
    const signingIn = s.signIn(ALICE.username, ALICE.password);
    await reached;
    // Another window deletes the stored account; this window is told through the store's change event.
    store.mark('signOut');
    store.data.delete(emulator.wsUrl);
    await s.accountChangedElsewhere(emulator.wsUrl);
    rest.release();
    await assertSuperseded(signingIn, 'followElsewhere');
    await assertSignedOutForGood(s);
  });

  it('a sign-out during a slow key renewal wins: the renewed key is not stored', async () => {
    const s = makeSession(undefined, () => Date.now());
    await s.signIn('demo', 'demo');
    s.disconnect();
    // Only the server's clock passes the key's lifetime: the refusal triggers the renewal.
    clock += SESSION_KEY_LIFETIME_MS + 60_000;
    rest.held = true;
    const reached = rest.reached();
    const connecting = s.connect();
    await reached;
    store.mark('signOut');
    await s.signOut();
    rest.release();
    await assertSuperseded(connecting, 'signOut');
    await assertSignedOutForGood(s);
  });

  it('a sign-out during a slow connect wins: the connection is closed and stays closed', async () => {
    await emulator.close();
    emulator = await startEmulator({ port: 0, seed: 'demo', now: () => clock, replyDelays: { logon: 300 } });
    const s = makeSession();
    await s.signIn('demo', 'demo');
    s.disconnect();
    await waitFor(() => emulator.connectionCount() === 0, 'the disconnect to reach the server');
    const connecting = s.connect();
    await waitFor(() => emulator.connectionCount() === 1, 'the socket to be open on the server');
    store.mark('signOut');
    await s.signOut();
    await assertSuperseded(connecting, 'signOut');
    await assertSignedOutForGood(s);
  });
});
