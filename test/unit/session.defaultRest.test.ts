// A Session made without a REST client (as the extension makes it) signs in
// with the protocol's RestClient (restFactory in sessionDeps.ts): against the
// real emulator, over real sockets, through the proxy and trusted CAs its
// network settings name; and a sign-in URL the RestClient refuses is a
// rejected promise, not an exception thrown at the caller.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { InsecureUrlError } from '../../src/protocol/errors';
import type { NetworkOptions } from '../../src/protocol/network';
import { restFactory } from '../../src/sources/sessionDeps';
import { Session, type Endpoints } from '../../src/sources/session';
import { makeTestPki, PROXIED_TEST_HOST, type TestPki } from '../fixtures/certificates';
import { startConnectProxy, type ConnectProxy } from '../fixtures/connectProxy';
import type { Emulator } from './support/emulatorClients';
import { keyAccepted, MemoryStore, quietLogger } from './support/sessionKit';

describe('Session without a REST client given: the protocol’s RestClient (sessionDeps.ts)', () => {
  const sessions: Session[] = [];
  const closers: (() => Promise<void>)[] = [];

  function makeSession(store: MemoryStore, endpoints: Endpoints, network?: () => NetworkOptions): Session {
    const s = new Session({ store, endpoints: () => endpoints, logger: quietLogger, network, reconnect: false });
    sessions.push(s);
    return s;
  }

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    for (const close of closers.splice(0)) await close();
  });

  it('signs in against the emulator with no network settings: the key the emulator issued is stored, connected with, and accepted by the server', async () => {
    const emulator: Emulator = await startEmulator({ port: 0, seed: 'demo' });
    closers.push(() => emulator.close());
    const store = new MemoryStore();
    const s = makeSession(store, { serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 });
    await s.signIn('demo', 'demo');
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.equal(s.snapshot.username, 'demo');
    const stored = store.data.get(emulator.wsUrl);
    assert.ok(stored, 'the account is stored');
    assert.equal(stored.restUrl, emulator.url);
    await keyAccepted(emulator, stored.userId, stored.sessionKey);
  });

  it('signs in through the proxy and the CA its network settings name (the server’s name resolves only through the proxy)', async () => {
    const pki: TestPki = await makeTestPki();
    const emulator = await startEmulator({ port: 0, seed: 'demo', tls: pki.server });
    closers.push(() => emulator.close());
    const proxy: ConnectProxy = await startConnectProxy({ hosts: { [PROXIED_TEST_HOST]: '127.0.0.1' } });
    closers.push(() => proxy.close());
    const hostPort = `${PROXIED_TEST_HOST}:${emulator.port}`;
    const network = (): NetworkOptions => ({ ca: pki.ca, env: { HTTPS_PROXY: proxy.url } });
    const store = new MemoryStore();
    const s = makeSession(store, { serverUrl: `wss://${hostPort}`, restUrl: `https://${hostPort}`, requestTimeoutMs: 5000, keepAliveMs: 0 }, network);
    await s.signIn('demo', 'demo');
    assert.equal(s.snapshot.status.kind, 'connected');
    assert.ok(store.data.get(`wss://${hostPort}`)?.sessionKey, 'the key is stored');
    assert.ok(proxy.tunnels().length >= 2, `the sign-in and the WebSocket each went through the proxy: ${proxy.tunnels().join(', ')}`);
    assert.deepEqual([...new Set(proxy.tunnels())], [hostPort]);
  });

  it('restFactory: a sign-in URL the RestClient refuses rejects the returned promise instead of throwing at the caller', async () => {
    const make = restFactory({ store: new MemoryStore(), endpoints: () => ({ serverUrl: 'ws://127.0.0.1:1', restUrl: 'http://127.0.0.1:1', requestTimeoutMs: 5000, keepAliveMs: 0 }), logger: quietLogger });
    let made: Promise<unknown> | undefined;
    assert.doesNotThrow(() => {
      made = make('http://sign-in.example.com');
    });
    await assert.rejects(made!, (err: unknown) => err instanceof InsecureUrlError);
  });
});
