// Proxies in the real extension host, set as a person sets them, in VS Code's
// http.* settings. A CONNECT proxy on loopback resolves a name nothing else
// resolves (emulator.instamrkt.test) to the TLS emulator, so the extension can
// only reach the server through the proxy. Under the default
// http.proxySupport "override" VS Code routes the connections (it replaces the
// extension's agent); under "on" the extension's own agent does, and sends
// http.proxyAuthorization, which VS Code does not.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import type { InstamrktApi } from '../../src/extension';
import { PROXIED_TEST_HOST } from '../fixtures/certificates';
import { startConnectProxy, type ConnectProxy } from '../fixtures/connectProxy';
import { api, noticeAfter, pki, pointAt, readPair, savedSettings, setSetting, stepsOf } from './networkKit';
import { until } from './until';

const CREDENTIALS = `Basic ${Buffer.from('alice:wonder-land').toString('base64')}`;
const HTTP_SETTINGS = ['proxy', 'noProxy', 'proxySupport', 'proxyAuthorization'];

describe('proxies in the real host (VS Code\'s http.* settings)', function () {
  this.timeout(90_000);
  let a: InstamrktApi;
  let emu: Emulator;
  let open: ConnectProxy;
  let guarded: ConnectProxy;
  let target: string;
  const settings = savedSettings(['instamrkt.serverUrl', 'instamrkt.restUrl', ...HTTP_SETTINGS.map((key) => `http.${key}`)]);
  const status = (): InstamrktApi['session']['snapshot']['status'] => a.session.snapshot.status;

  before(async () => {
    a = await api();
    emu = await startEmulator({ port: 0, seed: 'demo', tls: readPair(pki().server) });
    const hosts = { [PROXIED_TEST_HOST]: '127.0.0.1' };
    open = await startConnectProxy({ hosts });
    guarded = await startConnectProxy({ hosts, requireAuthorization: CREDENTIALS });
    target = `${PROXIED_TEST_HOST}:${emu.port}`;
  });

  after(async () => {
    for (const key of HTTP_SETTINGS) await setSetting('http', key, undefined);
    if (a.session.isSignedIn && a.session.snapshot.serverUrl === `wss://${target}`) {
      await setSetting('http', 'proxy', open.url);
      await a.session.signOut().catch(() => undefined);
    }
    await settings.restore();
    await emu.close();
    await open.close();
    await guarded.close();
  });

  /** Each test starts from here: VS Code's defaults but http.proxy = `proxy`, and signed in on the server behind it. */
  async function signedInThrough(proxy: ConnectProxy): Promise<void> {
    for (const key of HTTP_SETTINGS) await setSetting('http', key, undefined);
    await setSetting('http', 'proxy', proxy.url);
    await pointAt(a, `https://${target}`, `wss://${target}`);
    await a.session.signIn('demo', 'demo');
    assert.equal(status().kind, 'connected');
  }

  it('signs in and lists through http.proxy: the proxy saw the tunnels to the server, and nothing else', async () => {
    open.reset();
    await signedInThrough(open);
    await until('the source list', () => a.service.state.kind === 'live');
    assert.ok(a.service.list().some((s) => s.info.name === 'demo.instamrkt.local'));
    assert.ok(open.tunnels().length >= 2, `REST and the WebSocket each opened a tunnel (${open.tunnels().length})`);
    assert.deepEqual([...new Set(open.tunnels())], [target]);
    assert.ok(open.requests.every((r) => r.method === 'CONNECT'), 'only CONNECT: no request went to the proxy in the clear');
  });

  it('says "The proxy … requires authentication" with Open Settings (http.proxy) when the proxy answers 407, and does not retry', async () => {
    await signedInThrough(open);
    guarded.reset();
    await setSetting('http', 'proxy', guarded.url);
    const refused = await until('the reconnection to be refused by the proxy', () => {
      const s = status();
      return s.kind === 'disconnected' && /requires authentication \(HTTP 407\)/.test(s.error ?? '') ? s : undefined;
    }, 30_000);
    assert.equal(refused.nextRetryAt, undefined, 'no retry is scheduled');
    assert.ok(guarded.requests.some((r) => r.target === target && r.outcome === 'auth-required'));
    const shown = a.notices().length;
    await vscode.commands.executeCommand('instamrkt.connect');
    const notice = await noticeAfter(a, shown, /^The proxy http:\/\/127\.0\.0\.1:\d+ requires authentication \(HTTP 407\)/);
    // VS Code routes this connection (override): it sends the credentials of http.proxy, not http.proxyAuthorization.
    assert.match(notice.message, /Put the user name and password into http\.proxy \(http:\/\/user:password@host:port\)\.$/);
    assert.deepEqual(stepsOf(notice), [
      { label: 'Open Settings', args: ['http.proxy'] },
      { label: 'Show Log', args: [] },
    ]);
  });

  it('passes that proxy with the user name and password in http.proxy', async () => {
    await signedInThrough(open);
    guarded.reset();
    await setSetting('http', 'proxy', guarded.url.replace('http://', 'http://alice:wonder-land@'));
    await until('connected through the proxy', () => status().kind === 'connected', 30_000);
    assert.deepEqual([...new Set(guarded.tunnels())], [target]);
    assert.ok(guarded.requests.filter((r) => r.outcome === 'tunnel').every((r) => r.proxyAuthorization === CREDENTIALS));
  });

  it('under http.proxySupport "on", signs in and connects with its own agent, which sends http.proxyAuthorization', async () => {
    await signedInThrough(open);
    await setSetting('http', 'proxySupport', 'on');
    await setSetting('http', 'proxyAuthorization', CREDENTIALS);
    // No user name or password in http.proxy: only http.proxyAuthorization can get through.
    await setSetting('http', 'proxy', guarded.url);
    guarded.reset();
    await a.session.signIn('demo', 'demo');
    assert.equal(status().kind, 'connected');
    assert.ok(guarded.tunnels().length >= 2, 'REST and the WebSocket each opened a tunnel');
    assert.deepEqual([...new Set(guarded.tunnels())], [target]);
    assert.ok(guarded.requests.every((r) => r.proxyAuthorization === CREDENTIALS), 'every CONNECT carried http.proxyAuthorization');
  });

  it('bypasses the proxy for a host in http.noProxy: the proxy sees nothing (and the name, which only the proxy knows, does not resolve)', async () => {
    await signedInThrough(open);
    open.reset();
    await setSetting('http', 'noProxy', [PROXIED_TEST_HOST]);
    await until('the direct connection to fail on the name', () => {
      const s = status();
      return s.kind === 'disconnected' && /ENOTFOUND|EAI_AGAIN/.test(s.error ?? '');
    }, 30_000);
    assert.deepEqual(open.requests, []);
  });
});
