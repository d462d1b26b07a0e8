// The sign-in procedure's own promises (src/sources/signIn.ts), each seen
// from outside: which error a cancelled or failed sign-in rejects with, what
// is logged and published, and which session keys the server still accepts
// afterwards (a key obtained and not kept is ended where it was issued; one
// that is kept is not). REST is always the real emulator's; the WebSocket is
// the emulator, or a scripted server that refuses what the test asks it to.
// Real sockets throughout.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { AuthenticationError } from '../../src/protocol/errors';
import { RestClient } from '../../src/protocol/rest';
import { SupersededError } from '../../src/sources/lifecycle';
import { Session, type Endpoints, type RestApi } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { RecordingLogger } from './support/recordingLogger';
import { startScriptedServer, type ScriptedServer } from './support/scriptedServer';
import { Gate, HeldRest, keyAccepted, keyEnded, MemoryStore, recordStatuses } from './support/sessionKit';
import { nextEvent, waitFor } from './support/wait';

const ALICE = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };
const NOT_CONNECTED_YET = /Signed in, but not connected yet/;

/** Read through a call, so TypeScript does not narrow one reading by an earlier assertion. */
const statusOf = (s: Session) => s.snapshot.status;
const kindOf = (s: Session): string => statusOf(s).kind;

/** A store whose deletes fail (a locked keyring); reads and writes work. */
class UndeletableStore extends MemoryStore {
  override async delete(): Promise<void> {
    throw new Error('The keyring is locked.');
  }
}

describe('Session: the sign-in procedure (signIn.ts, issue 12)', () => {
  let emulator: Emulator;
  let scripted: ScriptedServer | undefined;
  let store: MemoryStore;
  let rest: HeldRest;
  let logger: RecordingLogger;
  const sessions: Session[] = [];

  /** REST at the emulator; the WebSocket at the emulator unless `wsUrl` names another server. */
  function makeSession(options: { wsUrl?: string; rest?: (restUrl: string) => RestApi; reconnectMs?: number } = {}): Session {
    const endpoints: Endpoints = { serverUrl: options.wsUrl ?? emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 };
    const delay = options.reconnectMs ?? 60_000;
    const s = new Session({ store, endpoints: () => endpoints, rest: options.rest ?? rest.factory, logger, reconnect: { initialDelayMs: delay, maxDelayMs: delay, jitter: 0 } });
    sessions.push(s);
    return s;
  }

  /** The one key the emulator's REST issued so far. */
  function issuedKey(): { userId: string; sessionKey: string } {
    assert.equal(rest.issued.length, 1, 'one key was issued');
    const issued = rest.issued[0];
    assert.ok(issued);
    return issued;
  }

  beforeEach(async () => {
    store = new MemoryStore();
    rest = new HeldRest();
    logger = new RecordingLogger();
    emulator = await startEmulator({ port: 0, seed: 'demo', users: [ALICE] });
  });

  afterEach(async () => {
    rest.release();
    store.reads.open();
    for (const s of sessions.splice(0)) s.dispose();
    await scripted?.close();
    scripted = undefined;
    await emulator.close();
  });

  it('a password sign-in keeps the key it obtained: no logout is sent, and the server still accepts the key', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    assert.equal(kindOf(s), 'connected');
    const { userId, sessionKey } = issuedKey();
    assert.equal(store.data.get(emulator.wsUrl)?.sessionKey, sessionKey, 'the issued key is the one stored');
    assert.deepEqual(rest.logouts, [], 'no logout was sent for it');
    await keyAccepted(emulator, userId, sessionKey);
  });

  it('a password sign-in whose login fails after a sign-out began rejects with SupersededError, not the login’s error, and shows nothing', async () => {
    const gate = new Gate();
    gate.close();
    const s = makeSession({
      rest: (url) => {
        const real = new RestClient(url);
        // The login reaches the server only once the gate opens, and then fails (a wrong password).
        return { login: async (u, p) => (await gate.pass(), real.login(u, p)), logout: (k) => real.logout(k) };
      },
    });
    await s.start(false);
    // The same login, not superseded, fails with the server's refusal: the error a superseded one must not report.
    gate.open();
    await assert.rejects(s.signIn('demo', 'wrong-password'), AuthenticationError);
    gate.close();
    const reached = gate.reached();
    const signingIn = s.signIn('demo', 'wrong-password');
    await reached;
    await s.signOut();
    const after = recordStatuses(s.onDidChange);
    gate.open();
    await assert.rejects(signingIn, (err: unknown) => {
      assert.ok(err instanceof SupersededError, `rejects with SupersededError, not ${String(err)}`);
      assert.equal(err.by, 'signOut');
      return true;
    });
    assert.deepEqual(after.kinds(), [], 'the cancelled sign-in shows nothing');
    assert.equal(kindOf(s), 'signedOut');
  });

  it('a sign-out during a slow logon: the sign-in rejects with SupersededError, logs no "Signed in, but not connected yet", and ends its key exactly once', async () => {
    await emulator.close();
    emulator = await startEmulator({ port: 0, seed: 'demo', replyDelays: { logon: 300 } });
    const s = makeSession();
    const connecting = nextEvent(s.onDidChange, (snap) => snap.status.kind === 'connecting', 'the logon to be under way');
    const signingIn = s.signIn('demo', 'demo');
    await connecting;
    await waitFor(() => emulator.connectionCount() === 1, 'the socket to be open on the server');
    await s.signOut();
    await assert.rejects(signingIn, (err: unknown) => err instanceof SupersededError && err.by === 'signOut');
    const { userId, sessionKey } = issuedKey();
    await keyEnded(emulator, userId, sessionKey);
    assert.deepEqual(rest.logouts, [sessionKey], 'ended once, by the sign-in that obtained it');
    assert.deepEqual(logger.at('warn').filter((m) => NOT_CONNECTED_YET.test(m)), [], 'a cancelled sign-in does not say it signed in');
    assert.equal(store.data.size, 0, 'nothing stored');
  });

  describe('a logon the WebSocket server refuses (a scripted server; REST is the emulator’s)', () => {
    beforeEach(async () => {
      scripted = await startScriptedServer();
    });

    it('ends the key the sign-in obtained, at the server that issued it', async () => {
      const server = scripted!;
      server.logonRes = 110;
      const s = makeSession({ wsUrl: server.wsUrl });
      await s.start(false);
      await assert.rejects(s.signIn('demo', 'demo'), AuthenticationError);
      const { userId, sessionKey } = issuedKey();
      await keyEnded(emulator, userId, sessionKey);
      assert.deepEqual(rest.logouts, [sessionKey]);
      assert.equal(store.data.size, 0, 'nothing stored');
    });

    it('keeps the account signed in before, shown as disconnected (not as refused), with the refusal as the last error', async () => {
      const server = scripted!;
      const s = makeSession({ wsUrl: server.wsUrl });
      await s.signIn('demo', 'demo');
      assert.equal(kindOf(s), 'connected');
      server.logonRes = 110;
      await assert.rejects(s.signIn(ALICE.username, ALICE.password), AuthenticationError);
      assert.equal(s.snapshot.username, 'demo', 'the previous account is the one held');
      assert.equal(store.data.get(server.wsUrl)?.username, 'demo', 'and the one stored');
      assert.deepEqual(statusOf(s), { kind: 'disconnected', nextRetryAt: undefined, error: undefined }, 'demo was not refused: its connection was closed for the sign-in');
      assert.match(s.snapshot.lastError ?? '', /Session not valid/);
      assert.equal(s.api, undefined);
      await waitFor(() => server.sockets.size === 0, 'no socket left open');
    });
  });

  describe('a network failure while connecting (the WebSocket handshake is refused with 503)', () => {
    beforeEach(async () => {
      scripted = await startScriptedServer();
    });

    it('is not the sign-in’s outcome: it resolves, stores the key, logs "Signed in, but not connected yet: <why>", and publishes disconnected with the next retry', async () => {
      const server = scripted!;
      server.refuseHandshake = 503;
      const s = makeSession({ wsUrl: server.wsUrl });
      await s.start(false);
      const statuses = recordStatuses(s.onDidChange);
      await s.signIn('demo', 'demo');
      const { sessionKey } = issuedKey();
      assert.equal(store.data.get(server.wsUrl)?.sessionKey, sessionKey, 'the key is stored');
      assert.deepEqual(rest.logouts, [], 'and not ended');
      const warned = logger.at('warn').filter((m) => NOT_CONNECTED_YET.test(m));
      assert.equal(warned.length, 1, logger.at('warn').join('\n'));
      assert.match(warned[0] ?? '', /^Signed in, but not connected yet: .*503/);
      const status = statusOf(s);
      assert.ok(status.kind === 'disconnected' && status.nextRetryAt !== undefined && /503/.test(status.error ?? ''), JSON.stringify(status));
      assert.equal(s.snapshot.username, 'demo');
      assert.deepEqual(statuses.seen.at(-1), s.snapshot, 'what is published is the truth once stored (not "connecting")');
      // Once the server takes connections again, the stored key connects.
      server.refuseHandshake = undefined;
      await s.connect();
      assert.equal(kindOf(s), 'connected');
    });
  });

  it('a sign-out whose stored secrets cannot be deleted rejects with the store’s error, and still ends the key on the server', async () => {
    store = new UndeletableStore();
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const { userId, sessionKey } = issuedKey();
    await assert.rejects(s.signOut(), /The keyring is locked/);
    await keyEnded(emulator, userId, sessionKey);
    assert.deepEqual(rest.logouts, [sessionKey]);
    assert.equal(kindOf(s), 'signedOut', 'this window is signed out all the same');
  });
});
