// Session and the stored account shared with other windows: this window's own
// writes echoed back change nothing; another window's sign-out that arrives
// first beats a sign-in about to store; a sign-in begun after it wins; and a
// sign-out's delete always lands after a slow write before it. Real emulator,
// real sockets; the store is in memory with doors to hold reads and writes.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { Session, SupersededError } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { HeldRest, keyEnded, MemoryStore, quietLogger, recordStatuses } from './support/sessionKit';
import { waitFor } from './support/wait';

const ALICE = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };

/** Read through a call, so TypeScript does not narrow one reading by an earlier assertion. */
const kindOf = (s: Session): string => s.snapshot.status.kind;

describe('Session: following other windows, and the order of store writes', () => {
  let emulator: Emulator;
  let store: MemoryStore;
  /** The real RestClient, recording the keys it was issued and the ones it ended (never held back here). */
  let rest: HeldRest;
  const sessions: Session[] = [];

  function makeSession(): Session {
    const s = new Session({
      store,
      endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: rest.factory,
      logger: quietLogger,
    });
    sessions.push(s);
    return s;
  }

  beforeEach(async () => {
    store = new MemoryStore();
    rest = new HeldRest();
    emulator = await startEmulator({ port: 0, seed: 'demo', users: [ALICE] });
  });

  afterEach(async () => {
    store.reads.open();
    store.sets.open();
    for (const s of sessions.splice(0)) s.dispose();
    await emulator.close();
  });

  it('takes the echo of its own write for what it is: same connection, nothing published', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const client = s.api;
    const statuses = recordStatuses(s.onDidChange);
    await s.accountChangedElsewhere(emulator.wsUrl); // what SecretStorage fires after this window's own store()
    assert.deepEqual(statuses.kinds(), []);
    assert.ok(client && s.api === client, 'the same connection is kept');
  });

  it('lets another window’s sign-out that arrived first beat a sign-in about to store: it rejects, stores nothing, and ends the key it obtained', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const signingIn = s.signIn(ALICE.username, ALICE.password);
    // The other window signs out; this window's read of the store is slow.
    store.reads.close();
    const readReached = store.reads.reached();
    store.data.delete(emulator.wsUrl);
    const following = s.accountChangedElsewhere(emulator.wsUrl);
    await readReached;
    // The sign-in connects meanwhile, and must not store before the change is decided.
    await waitFor(() => kindOf(s) === 'connected' && s.snapshot.username === 'alice', 'the sign-in to be connected and about to store');
    store.reads.open();
    await following;
    await assert.rejects(signingIn, (err: unknown) => err instanceof SupersededError && err.by === 'followElsewhere');
    assert.equal(store.data.size, 0, 'nothing stored');
    assert.equal(kindOf(s), 'signedOut');
    await waitFor(() => emulator.connectionCount() === 0, 'no connection of ours left open');
    const alice = rest.issued.find((r) => r.username === 'alice');
    assert.ok(alice, 'alice was issued a key');
    await keyEnded(emulator, alice.userId, alice.sessionKey);
    assert.deepEqual(rest.logouts, [alice.sessionKey], 'only the cancelled sign-in’s key was ended');
  });

  it('lets a sign-in begun after another window’s change event win over it', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    store.reads.close();
    const readReached = store.reads.reached();
    store.data.delete(emulator.wsUrl);
    const following = s.accountChangedElsewhere(emulator.wsUrl);
    await readReached;
    const signingIn = s.signIn(ALICE.username, ALICE.password);
    await waitFor(() => kindOf(s) === 'connected' && s.snapshot.username === 'alice', 'the later sign-in to be connected');
    store.reads.open();
    await following;
    await signingIn;
    assert.equal(store.data.get(emulator.wsUrl)?.username, 'alice', 'the later sign-in is stored');
    assert.equal(kindOf(s), 'connected');
  });

  it('deletes after a slow write that came first: a sign-out right after a sign-in leaves nothing stored', async () => {
    const s = makeSession();
    store.sets.close();
    const setReached = store.sets.reached();
    const signingIn = s.signIn('demo', 'demo');
    await setReached; // the sign-in has committed; its write is slow
    const signingOut = s.signOut();
    store.sets.open();
    await signingIn;
    await signingOut;
    assert.deepEqual(
      store.ops.map((o) => o.op),
      ['set', 'delete'],
      'the delete landed after the write',
    );
    assert.equal(store.data.size, 0);
  });
});
