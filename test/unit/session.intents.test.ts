// Session's own entry points, against the real emulator and REST over real
// sockets: what each refuses before sending anything (a plain ws:// or
// http:// URL to another host; connect() while signed out), which intent
// supersedes which (the reason a cancelled caller reads), what each
// publishes, what it tells the log redactor, and nothing heard after dispose.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { AuthenticationError, InsecureUrlError } from '../../src/protocol/errors';
import { RestClient } from '../../src/protocol/rest';
import { Session, SupersededError, type Endpoints } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { RecordingLogger } from './support/recordingLogger';
import { HeldRest, MemoryStore, recordStatuses } from './support/sessionKit';

const insecure = (err: unknown): boolean => err instanceof InsecureUrlError;
const flush = (): Promise<void> => new Promise((resolve) => setImmediate(resolve));

describe('Session: entry points, supersession and what is published (issue 12)', () => {
  let emulator: Emulator;
  let store: MemoryStore;
  let rest: HeldRest;
  let logger: RecordingLogger;
  let endpoints: Endpoints;
  let secrets: string[];
  const sessions: Session[] = [];

  function makeSession(): Session {
    const s = new Session({
      store,
      endpoints: () => endpoints,
      rest: rest.factory,
      logger,
      onSecret: (value) => secrets.push(value),
      reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 },
    });
    sessions.push(s);
    return s;
  }

  beforeEach(async () => {
    store = new MemoryStore();
    rest = new HeldRest();
    logger = new RecordingLogger();
    secrets = [];
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    endpoints = { serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 };
  });

  afterEach(async () => {
    rest.release();
    store.reads.open();
    for (const s of sessions.splice(0)) s.dispose();
    await emulator.close();
  });

  it('a password sign-in tells the redactor the password and the session key; isSignedIn follows', async () => {
    const s = makeSession();
    assert.equal(s.isSignedIn, false);
    await s.signIn('demo', 'demo');
    assert.equal(s.isSignedIn, true);
    const key = store.data.get(emulator.wsUrl)?.sessionKey;
    assert.ok(key && secrets.includes(key), 'the session key');
    assert.ok(secrets.includes('demo'), 'the password');
    assert.ok(logger.at('info').some((l) => l.startsWith('Sign-in as demo: done in ')), logger.at('info').join('\n'));
    await s.signOut();
    assert.equal(s.isSignedIn, false);
    assert.ok(logger.at('info').some((l) => l.startsWith('Sign-out of demo: done in ')), logger.at('info').join('\n'));
  });

  it('a session-key sign-in is logged by user id, never by the key', async () => {
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    const s = makeSession();
    await s.signInWithSessionKey(login.userId, login.sessionKey);
    assert.ok(logger.at('info').some((l) => l.startsWith(`Sign-in with a session key as user ${login.userId}: done in `)), logger.at('info').join('\n'));
    assert.ok(!logger.lines.some((l) => l.message.includes(login.sessionKey)));
  });

  it('useEndpoints() marks the snapshot as using the emulator, and undefined goes back to the settings', async () => {
    const s = makeSession();
    await s.start(false);
    assert.equal(s.snapshot.usingEmulator, false);
    await s.useEndpoints({ ...endpoints }, false);
    assert.equal(s.snapshot.usingEmulator, true);
    await s.useEndpoints(undefined, false);
    assert.equal(s.snapshot.usingEmulator, false);
  });

  it('connect() while signed out rejects with "Not signed in" and publishes "signedOut"', async () => {
    const s = makeSession();
    const statuses = recordStatuses(s.onDidChange);
    await assert.rejects(s.connect(), (err: unknown) => err instanceof AuthenticationError && err.message === 'Not signed in to Instamrkt. Sign in first.');
    assert.equal(statuses.kinds().at(-1), 'signedOut');
    assert.equal(emulator.connectionCount(), 0);
  });

  describe('a plain ws:// or http:// URL to another host is refused before anything is sent', () => {

    it('by start(), connect(), signIn(), signInWithSessionKey() and useEndpoints() with a sign-in; shown as disconnected with the reason', async () => {
      const s = makeSession();
      await s.start(false);
      endpoints = { ...endpoints, serverUrl: 'ws://example.com/ws' };
      await assert.rejects(s.start(true), insecure, 'start');
      await assert.rejects(s.connect(), insecure, 'connect');
      await assert.rejects(s.signIn('demo', 'demo'), insecure, 'signIn');
      await assert.rejects(s.signInWithSessionKey('1001', 'k'.repeat(48)), insecure, 'signInWithSessionKey');
      await assert.rejects(s.useEndpoints({ ...endpoints }, false, { username: 'demo', password: 'demo' }), insecure, 'useEndpoints');
      assert.equal(rest.issued.length, 0, 'no sign-in reached REST');
      assert.equal(emulator.connectionCount(), 0);
      const status = s.snapshot.status;
      assert.ok(status.kind === 'disconnected' && status.error !== undefined && /ws:\/\/ to example\.com/.test(status.error), JSON.stringify(status));
      assert.equal(s.snapshot.lastError, status.error);
    });

    it('a plain http:// sign-in URL to another host too', async () => {
      const s = makeSession();
      await s.signIn('demo', 'demo');
      endpoints = { ...endpoints, restUrl: 'http://example.com/api' };
      await assert.rejects(s.signIn('demo', 'demo'), insecure);
      assert.equal(rest.issued.length, 1, 'only the first sign-in reached REST');
      const status = s.snapshot.status;
      assert.ok(status.kind === 'disconnected' && status.error !== undefined && /http:\/\/ to example\.com/.test(status.error), JSON.stringify(status));
    });

    it('a URL that is allowed again clears the reason', async () => {
      const s = makeSession();
      endpoints = { ...endpoints, serverUrl: 'ws://example.com/ws' };
      await assert.rejects(s.start(false), insecure);
      endpoints = { ...endpoints, serverUrl: emulator.wsUrl };
      await s.reconfigure(false);
      assert.equal(s.snapshot.status.kind, 'signedOut');
    });
  });

  it('connected, then settings with a refused URL: connect() closes the connection and publishes the reason', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const statuses = recordStatuses(s.onDidChange);
    endpoints = { ...endpoints, serverUrl: 'ws://example.com/ws' };
    await assert.rejects(s.connect(), insecure);
    assert.equal(s.api, undefined, 'the connection is closed');
    const last = statuses.seen.at(-1)?.status;
    assert.ok(last?.kind === 'disconnected' && last.error !== undefined && /example\.com/.test(last.error), JSON.stringify(statuses.seen));
  });

  it('useEndpoints() with a sign-in is logged as "Sign-in as <user>"; a sign-out with nobody signed in as "Sign-out"', async () => {
    const s = makeSession();
    await s.useEndpoints({ ...endpoints }, true, { username: 'demo', password: 'demo' });
    assert.ok(logger.at('info').some((l) => l.startsWith('Sign-in as demo: done in ')), logger.at('info').join('\n'));
    await s.signOut();
    await s.signOut();
    assert.ok(logger.at('info').some((l) => l.startsWith('Sign-out: done in ')), logger.at('info').join('\n'));
  });

  describe('the latest intent wins: a slow sign-in is cancelled with the reason', () => {
    /** Starts a sign-in whose REST answer is held; resolves (with it, wrapped) once it waits. */
    async function slowSignIn(s: Session): Promise<{ signingIn: Promise<void> }> {
      rest.held = true;
      const reached = rest.reached();
      const signingIn = s.signIn('demo', 'demo');
      signingIn.catch(() => undefined);
      await reached;
      return { signingIn };
    }
    const by = (kind: string) => (err: unknown): boolean => err instanceof SupersededError && err.by === kind;

    it('start() cancels it ("start")', async () => {
      const s = makeSession();
      const { signingIn } = await slowSignIn(s);
      const starting = s.start(false);
      rest.release();
      await assert.rejects(signingIn, by('start'));
      await starting;
    });

    it('connect() cancels it ("connect")', async () => {
      const s = makeSession();
      const { signingIn } = await slowSignIn(s);
      const connecting = s.connect();
      connecting.catch(() => undefined);
      rest.release();
      await assert.rejects(signingIn, by('connect'));
    });

    it('disconnect() cancels it ("disconnect")', async () => {
      const s = makeSession();
      const { signingIn } = await slowSignIn(s);
      s.disconnect();
      rest.release();
      await assert.rejects(signingIn, by('disconnect'));
    });

    it('a session-key sign-in cancels it ("signIn")', async () => {
      const login = await new RestClient(emulator.url).login('demo', 'demo');
      const s = makeSession();
      const { signingIn } = await slowSignIn(s);
      const other = s.signInWithSessionKey(login.userId, login.sessionKey);
      rest.release();
      await assert.rejects(signingIn, by('signIn'));
      await other;
    });

    it('a second connect() cancels the first: the first rejects with SupersededError even though it connected', async () => {
      store.data.set(emulator.wsUrl, { userId: '1001', username: 'demo', sessionKey: (await new RestClient(emulator.url).login('demo', 'demo')).sessionKey, issuedAt: Date.now() });
      const s = makeSession();
      await s.start(false);
      const first = s.connect();
      const second = s.connect();
      await assert.rejects(first, by('connect'));
      await second;
      assert.equal(s.snapshot.status.kind, 'connected');
    });
  });

  describe('start() and disconnect() while the store is read', () => {
    it('a disconnect() during start(): start() resolves quietly, and the truth read from the store is published', async () => {
      const s = makeSession();
      const statuses = recordStatuses(s.onDidChange);
      store.reads.close();
      const reached = store.reads.reached();
      const starting = s.start(true);
      await reached;
      s.disconnect();
      store.reads.open();
      await starting;
      await flush();
      assert.equal(statuses.kinds().at(-1), 'signedOut', `published after the read: ${statuses.kinds().join(', ')}`);
    });

    it('a superseded start() whose store read fails shows no error', async () => {
      const s = makeSession();
      store.reads.close();
      const reached = store.reads.reached();
      const realGet = store.get.bind(store);
      store.get = async (url) => {
        await realGet(url);
        throw new Error('the keyring is locked');
      };
      const statuses = recordStatuses(s.onDidChange);
      const starting = s.start(true);
      await reached;
      store.get = realGet;
      void s.reconfigure(false);
      store.reads.open();
      await starting;
      await flush();
      assert.ok(!statuses.seen.some((snap) => snap.lastError?.includes('the keyring is locked')), JSON.stringify(statuses.seen));
    });

    it('disconnect() when connected publishes "disconnected" at once, and does not read the store (it is known)', async () => {
      const s = makeSession();
      await s.signIn('demo', 'demo');
      const statuses = recordStatuses(s.onDidChange);
      store.reads.close();
      let read = false;
      void store.reads.reached().then(() => (read = true));
      s.disconnect();
      assert.deepEqual(statuses.kinds(), ['disconnected'], 'published by disconnect() itself');
      await flush();
      assert.equal(read, false, 'the store was not read');
      store.reads.open();
    });
  });

  it('connect() once the store is known does not read it again', async () => {
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    store.data.set(emulator.wsUrl, { userId: login.userId, username: 'demo', sessionKey: login.sessionKey, issuedAt: Date.now() });
    const s = makeSession();
    await s.start(false);
    store.reads.close();
    let read = false;
    void store.reads.reached().then(() => (read = true));
    await s.connect();
    assert.equal(read, false, 'the store was not read');
    assert.equal(s.snapshot.status.kind, 'connected');
  });

  it('reconfigure() fires onDidResetAccount (what was shown belongs to the previous server)', async () => {
    const s = makeSession();
    await s.start(false);
    let resets = 0;
    s.onDidResetAccount(() => resets++);
    await s.reconfigure(false);
    assert.equal(resets, 1);
  });

  it('after dispose(), nothing is heard: no status, no sign-out, no reset', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    const heard: string[] = [];
    s.onDidChange(() => heard.push('change'));
    s.onDidSignOut(() => heard.push('signOut'));
    s.onDidResetAccount(() => heard.push('reset'));
    s.dispose();
    await s.signOut();
    await s.reconfigure(false).catch(() => undefined);
    assert.deepEqual(heard, []);
  });
});
