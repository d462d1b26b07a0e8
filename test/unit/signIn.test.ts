// The sign-in procedure (signIn.ts) through Session: which keys it ends on the
// server (one the server refused, never one it accepted), that a network
// failure is not a refusal, that a superseded password sign-in says so, and
// that sign-out waits for the secrets to be deleted. REST: the real emulator
// (HeldRest records every key it issued and ended); WebSocket: a scripted
// server. Real sockets both.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { AuthenticationError } from '../../src/protocol/errors';
import type { RestApi } from '../../src/sources/account';
import { SupersededError } from '../../src/sources/lifecycle';
import { Session } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { startScriptedServer, type ScriptedServer } from './support/scriptedServer';
import { Gate, HeldRest, MemoryStore, quietLogger, recordStatuses } from './support/sessionKit';
import { waitFor } from './support/wait';

describe('Sign-in and sign-out procedures (signIn.ts)', () => {
  let emulator: Emulator;
  let server: ScriptedServer;
  let store: MemoryStore;
  let rest: HeldRest;
  let warnings: string[];
  const sessions: Session[] = [];

  function makeSession(options: { serverUrl?: string; rest?: (restUrl: string) => RestApi } = {}): Session {
    const s = new Session({
      store,
      endpoints: () => ({ serverUrl: options.serverUrl ?? server.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: options.rest ?? rest.factory,
      logger: { ...quietLogger, warn: (m: string) => warnings.push(m) },
      reconnect: { initialDelayMs: 20, maxDelayMs: 50, jitter: 0 },
    });
    sessions.push(s);
    return s;
  }

  beforeEach(async () => {
    store = new MemoryStore();
    rest = new HeldRest();
    warnings = [];
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    server = await startScriptedServer();
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    await server.close();
    await emulator.close();
  });

  it('a password sign-in whose logon the server refuses ends the key REST issued for it, and stores nothing', async () => {
    server.logonRes = 110;
    const s = makeSession();
    await assert.rejects(s.signIn('demo', 'demo'), AuthenticationError);
    assert.equal(rest.issued.length, 1);
    await waitFor(() => rest.logouts.length === 1, 'the refused key to be ended');
    assert.deepEqual(rest.logouts, [rest.issued[0].sessionKey]);
    assert.equal(store.data.size, 0);
  });

  it('a password sign-in the server accepts keeps its key: the only key ended later is by the sign-out', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    assert.equal(store.data.get(server.wsUrl)?.sessionKey, rest.issued[0].sessionKey);
    await s.signOut();
    await waitFor(() => rest.logouts.length >= 1, 'the sign-out to end the key');
    assert.deepEqual(rest.logouts, [rest.issued[0].sessionKey], 'ended once, by the sign-out');
  });

  it('a sign-in whose connection fails for a network reason still stores the account and warns that it is not connected yet', async () => {
    const closed = await startScriptedServer();
    const unreachable = closed.wsUrl;
    await closed.close();
    const s = makeSession({ serverUrl: unreachable });
    await s.signIn('demo', 'demo');
    assert.equal(store.data.get(unreachable)?.sessionKey, rest.issued[0].sessionKey);
    assert.ok(warnings.some((w) => w.startsWith('Signed in, but not connected yet: ')), warnings.join('\n'));
    assert.deepEqual(rest.logouts, [], 'the key is kept for the retries');
  });

  it('a sign-in superseded while its logon is unanswered rejects as superseded, ends its key, stores nothing and warns of nothing', async () => {
    server.logonRes = undefined;
    const s = makeSession();
    const signingIn = s.signIn('demo', 'demo');
    await waitFor(() => server.received.length === 1, 'the logon to reach the server');
    const signingOut = s.signOut();
    await assert.rejects(signingIn, SupersededError);
    await signingOut;
    await waitFor(() => rest.logouts.length === 1, 'the key to be ended');
    assert.deepEqual(rest.logouts, [rest.issued[0].sessionKey]);
    assert.equal(store.data.size, 0);
    assert.deepEqual(warnings, []);
  });

  it('publishes the signed-in state last: the final snapshot a listener gets is the connected account', async () => {
    const s = makeSession();
    const seen = recordStatuses(s.onDidChange);
    await s.signIn('demo', 'demo');
    assert.deepEqual(seen.seen.at(-1), s.snapshot);
    assert.equal(seen.kinds().at(-1), 'connected');
  });

  it('a password sign-in whose REST login fails after a sign-out began rejects as superseded, not with the login error', async () => {
    const gate = new Gate();
    gate.close();
    const failing = (): RestApi => ({
      login: async () => {
        await gate.pass();
        throw new AuthenticationError('Wrong user name or password.');
      },
      logout: async () => undefined,
    });
    const s = makeSession({ rest: failing });
    const signingIn = s.signIn('demo', 'wrong');
    await gate.reached();
    const signingOut = s.signOut();
    gate.open();
    await assert.rejects(signingIn, SupersededError);
    await signingOut;
  });

  it('sign-out rejects when the stored secrets cannot be deleted, after ending the key on the server', async () => {
    const s = makeSession();
    await s.signIn('demo', 'demo');
    store.delete = () => Promise.reject(new Error('keyring locked'));
    await assert.rejects(s.signOut(), { message: 'keyring locked' });
    await waitFor(() => rest.logouts.length === 1, 'the key to be ended');
  });
});
