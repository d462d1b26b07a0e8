// The client through a proxy in plain Node, set by the environment
// (HTTPS_PROXY, NO_PROXY) or by VS Code's settings as the host adapter passes
// them: the REST sign-in and the WebSocket both go through a CONNECT tunnel.
// The server is reached by a name only the proxy resolves, so a connection
// that bypassed the proxy could not succeed. A 407 is a typed, permanent
// error; an unusable proxy setting is refused, not guessed around.
import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import { InstamrktClient } from '../../src/protocol/client';
import { CertificateError, ConnectionFailedError, ProxyAuthenticationError, ProxyError } from '../../src/protocol/errors';
import type { NetworkOptions } from '../../src/protocol/network';
import { RestClient } from '../../src/protocol/rest';
import { makeTestPki, PROXIED_TEST_HOST, type TestPki } from '../fixtures/certificates';
import { startConnectProxy, type ConnectProxy } from '../fixtures/connectProxy';

const CREDENTIALS = `Basic ${Buffer.from('alice:wonder-land').toString('base64')}`;

describe('the client through a CONNECT proxy (plain Node)', () => {
  let pki: TestPki;
  let emu: Emulator;
  const proxies: ConnectProxy[] = [];
  const clients: InstamrktClient[] = [];
  const proxy = async (options: Parameters<typeof startConnectProxy>[0] = {}): Promise<ConnectProxy> => {
    const p = await startConnectProxy({ hosts: { [PROXIED_TEST_HOST]: '127.0.0.1' }, ...options });
    proxies.push(p);
    return p;
  };
  const restUrl = (): string => `https://${PROXIED_TEST_HOST}:${emu.port}`;
  const wsUrl = (): string => `wss://${PROXIED_TEST_HOST}:${emu.port}`;
  const tunnel = (): string => `${PROXIED_TEST_HOST}:${emu.port}`;
  const client = (network: NetworkOptions, credentials = { userId: '1001', sessionKey: 'unused' }): InstamrktClient => {
    const c = new InstamrktClient({
      serverUrl: wsUrl(),
      credentials: async () => credentials,
      keepAliveMs: 0,
      reconnect: { initialDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0 },
      network: () => network,
    });
    clients.push(c);
    return c;
  };

  before(async () => {
    pki = await makeTestPki();
    emu = await startEmulator({ port: 0, seed: 'demo', tls: pki.server });
  });
  after(async () => {
    await emu.close();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    for (const p of proxies.splice(0)) await p.close();
  });

  it('signs in and lists through HTTPS_PROXY: every connection is a tunnel to the server', async () => {
    const p = await proxy();
    const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url } };
    const session = await new RestClient(restUrl(), { network }).login('demo', 'demo');
    const c = client(network, { userId: session.userId, sessionKey: session.sessionKey });
    await c.connect();
    assert.ok((await c.listGameSources()).length > 0);
    assert.ok(p.tunnels().length >= 2, 'REST and the WebSocket each opened a tunnel');
    assert.deepEqual([...new Set(p.tunnels())], [tunnel()]);
    assert.ok(p.requests.every((r) => r.method === 'CONNECT'), 'nothing but CONNECT reached the proxy');
  });

  it('goes direct for a host in NO_PROXY: the proxy sees nothing (and the name, which only the proxy knows, does not resolve)', async () => {
    const p = await proxy();
    const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url, NO_PROXY: 'other.example,instamrkt.test' } };
    await assert.rejects(new RestClient(restUrl(), { network }).login('demo', 'demo'), (err: unknown) => err instanceof ConnectionFailedError && err.message.includes(`Could not connect to ${tunnel()}`) && /ENOTFOUND|EAI_AGAIN/.test(err.message));
    await assert.rejects(client(network).connect(), (err: unknown) => err instanceof ConnectionFailedError && /ENOTFOUND|EAI_AGAIN/.test(err.message));
    assert.deepEqual(p.requests, []);
  });

  it('never proxies the loopback: ws:// and wss:// to 127.0.0.1 go direct with HTTPS_PROXY set', async () => {
    const p = await proxy();
    const plain = await startEmulator({ port: 0, seed: 'demo' });
    try {
      const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url, HTTP_PROXY: p.url } };
      const session = await new RestClient(plain.url, { network }).login('demo', 'demo');
      const c = new InstamrktClient({ serverUrl: plain.wsUrl, credentials: async () => ({ userId: session.userId, sessionKey: session.sessionKey }), keepAliveMs: 0, reconnect: false, network: () => network });
      clients.push(c);
      await c.connect();
      await new RestClient(emu.url, { network }).login('demo', 'demo');
      assert.deepEqual(p.requests, []);
    } finally {
      await plain.close();
    }
  });

  describe('a proxy that wants credentials', () => {
    it('refuses the sign-in and the WebSocket with ProxyAuthenticationError, naming the proxy and the settings to set; no retry', async () => {
      const p = await proxy({ requireAuthorization: CREDENTIALS });
      const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url } };
      const isProxyAuth = (err: unknown): boolean => {
        assert.ok(err instanceof ProxyAuthenticationError, String(err));
        assert.equal(err.code, 'proxy-authentication');
        assert.equal(err.proxy, p.url);
        assert.match(err.message, new RegExp(`^The proxy ${p.url.replace(/[.]/g, '\\.')} requires authentication \\(HTTP 407\\), or refused the credentials it was given\\. Put the user name and password into http\\.proxy \\(http://user:password@host:port\\), or set http\\.proxyAuthorization\\.$`));
        return true;
      };
      await assert.rejects(new RestClient(restUrl(), { network }).login('demo', 'demo'), isProxyAuth);
      const c = client(network);
      await assert.rejects(c.connect(), isProxyAuth);
      assert.equal(c.nextRetryAt, undefined, 'no retry is scheduled');
      assert.deepEqual(p.tunnels(), []);
    });

    it('sends http.proxyAuthorization on every CONNECT', async () => {
      const p = await proxy({ requireAuthorization: CREDENTIALS });
      const network: NetworkOptions = { ca: pki.ca, proxy: { proxy: p.url, authorization: CREDENTIALS } };
      const session = await new RestClient(restUrl(), { network }).login('demo', 'demo');
      await client(network, { userId: session.userId, sessionKey: session.sessionKey }).connect();
      assert.ok(p.tunnels().length >= 2);
      assert.ok(p.requests.every((r) => r.proxyAuthorization === CREDENTIALS));
    });

    it('sends the user:password of the proxy URL', async () => {
      const p = await proxy({ requireAuthorization: CREDENTIALS });
      const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url.replace('http://', 'http://alice:wonder-land@') } };
      await new RestClient(restUrl(), { network }).login('demo', 'demo');
      assert.deepEqual([...new Set(p.tunnels())], [tunnel()]);
      assert.ok(p.requests.every((r) => r.proxyAuthorization === CREDENTIALS));
    });
  });

  it('refuses an http.proxy it cannot use with ProxyError naming the setting, without trying and without a retry', async () => {
    const network: NetworkOptions = { ca: pki.ca, proxy: { proxy: 'socks5://proxy.corp:1080' } };
    const isBadSetting = (err: unknown): boolean => err instanceof ProxyError && err.source === 'http.proxy' && /^http\.proxy "socks5:\/\/proxy\.corp:1080" uses socks5:\/\//.test(err.message);
    await assert.rejects(new RestClient(restUrl(), { network }).login('demo', 'demo'), isBadSetting);
    const c = client(network);
    await assert.rejects(c.connect(), isBadSetting);
    assert.equal(c.nextRetryAt, undefined);
  });

  it('names the proxy, not the server, when the proxy cannot be reached, and retries (it may come back)', async () => {
    const p = await proxy();
    const url = p.url;
    await p.close();
    const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: url } };
    const isUnreachable = (err: unknown): boolean => err instanceof ConnectionFailedError && err.message.startsWith(`Could not connect to the proxy ${url}: `) && /ECONNREFUSED/.test(err.message);
    await assert.rejects(new RestClient(restUrl(), { network }).login('demo', 'demo'), isUnreachable);
    const c = client(network);
    await assert.rejects(c.connect(), isUnreachable);
    assert.ok(c.nextRetryAt !== undefined, 'a retry is scheduled');
  });

  it('names the date an expired server certificate ended, read through the tunnel', async () => {
    const p = await proxy();
    const expired = await startEmulator({ port: 0, seed: 'demo', tls: pki.expired });
    try {
      const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url } };
      const date = new Date(Math.floor(pki.expired.expiredAt.getTime() / 1000) * 1000).toUTCString();
      const isExpired = (err: unknown): boolean => err instanceof CertificateError && err.problem === 'expired' && err.message.startsWith(`The certificate of ${PROXIED_TEST_HOST} expired on ${date}.`);
      await assert.rejects(new RestClient(`https://${PROXIED_TEST_HOST}:${expired.port}`, { network }).login('demo', 'demo'), isExpired);
      const c = new InstamrktClient({ serverUrl: `wss://${PROXIED_TEST_HOST}:${expired.port}`, credentials: async () => ({ userId: '1001', sessionKey: 'unused' }), keepAliveMs: 0, reconnect: false, network: () => network });
      clients.push(c);
      await assert.rejects(c.connect(), isExpired);
      assert.deepEqual([...new Set(p.tunnels())], [`${PROXIED_TEST_HOST}:${expired.port}`]);
    } finally {
      await expired.close();
    }
  });

  describe('an https:// proxy and http.proxyStrictSSL', () => {
    it('refuses a proxy whose certificate is not trusted, naming the proxy and http.proxyStrictSSL', async () => {
      const p = await proxy({ tls: pki.selfSigned });
      const network: NetworkOptions = { ca: pki.ca, proxy: { proxy: p.url } };
      await assert.rejects(new RestClient(restUrl(), { network }).login('demo', 'demo'), (err: unknown) => {
        assert.ok(err instanceof CertificateError, String(err));
        assert.equal(err.atProxy, true);
        assert.equal(err.problem, 'self-signed');
        assert.match(err.message, /^The certificate of the proxy 127\.0\.0\.1 is not trusted \(self-signed\)\..*turn off http\.proxyStrictSSL/);
        return true;
      });
      assert.deepEqual(p.tunnels(), []);
    });

    it('with http.proxyStrictSSL off, accepts the proxy\'s certificate and signs in through it', async () => {
      const p = await proxy({ tls: pki.selfSigned });
      const network: NetworkOptions = { ca: pki.ca, proxy: { proxy: p.url, strictSSL: false } };
      await new RestClient(restUrl(), { network }).login('demo', 'demo');
      assert.deepEqual([...new Set(p.tunnels())], [tunnel()]);
    });

    it('with http.proxyStrictSSL off, still checks the server\'s certificate', async () => {
      const p = await proxy({ tls: pki.selfSigned });
      const wrong = await startEmulator({ port: 0, seed: 'demo', tls: pki.wrongHost });
      try {
        const network: NetworkOptions = { ca: pki.ca, proxy: { proxy: p.url, strictSSL: false } };
        await assert.rejects(new RestClient(`https://${PROXIED_TEST_HOST}:${wrong.port}`, { network }).login('demo', 'demo'), (err: unknown) => err instanceof CertificateError && !err.atProxy && err.problem === 'wrong-host' && err.host === PROXIED_TEST_HOST);
      } finally {
        await wrong.close();
      }
    });
  });
});
