// Test Connection's steps against the emulator over real sockets: plain
// ws/http, TLS with trusted, untrusted and wrong-host certificates, through
// a CONNECT proxy (with and without the credentials it wants), a closed
// port, and a setting that cannot be used. Each failure names what to do
// next, and every step after it is skipped, never failed.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import * as net from 'node:net';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import { diagnose, formatReport, type DiagnoseInput, type StepId, type StepResult } from '../../src/protocol/diagnose';
import { RestClient } from '../../src/protocol/rest';
import type { NetworkOptions } from '../../src/protocol/network';
import { makeTestPki, PROXIED_TEST_HOST, type CertAndKey, type TestPki } from '../fixtures/certificates';
import { startConnectProxy, type ConnectProxy } from '../fixtures/connectProxy';
import { waitFor } from './support/wait';

const LOCAL = { remote: false, summary: 'this computer (a local window)', consequence: 'Connections start here.' };
const CREDENTIALS = `Basic ${Buffer.from('alice:wonder-land').toString('base64')}`;

function step(results: readonly StepResult[], id: StepId): StepResult {
  const found = results.find((r) => r.id === id);
  assert.ok(found, `a ${id} step`);
  return found;
}

/** Every step after `id` is skipped, saying which step failed. */
function skippedAfter(results: readonly StepResult[], id: StepId): void {
  const at = results.findIndex((r) => r.id === id);
  assert.equal(results[at].status, 'failed', `${id} failed: ${results[at].detail}`);
  const after = results.slice(at + 1);
  assert.ok(after.length > 0);
  for (const r of after) {
    assert.equal(r.status, 'skipped', `${r.id} after the failed ${id}`);
    assert.equal(r.detail, `Not run: "${results[at].title}" failed.`);
    assert.equal(r.ms, undefined);
  }
}

const ORDER: StepId[] = ['host', 'settings', 'proxy', 'dns', 'tcp', 'tls', 'rest', 'upgrade', 'logon', 'ping'];

describe('Test Connection (diagnose)', () => {
  let pki: TestPki;
  const emulators: Emulator[] = [];
  const proxies: ConnectProxy[] = [];
  const serve = async (tls?: CertAndKey): Promise<Emulator> => {
    const emu = await startEmulator({ port: 0, seed: 'demo', tls });
    emulators.push(emu);
    return emu;
  };
  const input = (emu: { url: string; wsUrl: string }, more: Partial<DiagnoseInput> = {}): DiagnoseInput => ({
    serverUrl: emu.wsUrl,
    restUrl: emu.url,
    timeoutMs: 5000,
    network: {},
    host: LOCAL,
    ...more,
  });
  const signIn = async (emu: Emulator, network: NetworkOptions = {}) => {
    const s = await new RestClient(emu.url, { network }).login('demo', 'demo');
    return { userId: s.userId, sessionKey: s.sessionKey };
  };

  before(async () => {
    pki = await makeTestPki();
  });
  afterEach(async () => {
    for (const p of proxies.splice(0)) await p.close();
    for (const e of emulators.splice(0)) await e.close();
  });

  it('signed in, over plain ws/http to this machine: every step runs in order, with its time, and logon and ping pass', async () => {
    const emu = await serve();
    const account = await signIn(emu);
    const seen: StepId[] = [];
    const results = await diagnose(input(emu, { account }), (r) => seen.push(r.id));
    assert.deepEqual(results.map((r) => r.id), ORDER);
    assert.deepEqual(seen, ORDER, 'each result is heard as it comes');
    assert.deepEqual(
      results.map((r) => r.status),
      ['info', 'passed', 'passed', 'passed', 'passed', 'info', 'passed', 'passed', 'passed', 'passed'],
      results.map((r) => `${r.id}: ${r.detail}`).join('\n'),
    );
    assert.ok(results.every((r) => typeof r.ms === 'number' && r.ms >= 0));
    assert.equal(step(results, 'host').detail, 'On this computer (a local window). Connections start here.');
    assert.match(step(results, 'proxy').detail, /^Direct: 127\.0\.0\.1 is this machine/);
    assert.equal(step(results, 'dns').detail, '127.0.0.1 is an address: nothing to look up.');
    assert.equal(step(results, 'tcp').detail, `Connected to 127.0.0.1:${emu.port}.`);
    assert.equal(step(results, 'tls').detail, 'Not used: ws:// to this machine is not encrypted.');
    assert.equal(step(results, 'rest').detail, `http://127.0.0.1:${emu.port} answered HTTP 200, with the sign-in cookie.`);
    assert.equal(step(results, 'upgrade').detail, `ws://127.0.0.1:${emu.port} accepted the upgrade (HTTP 101) with the stored sign-in.`);
    assert.equal(step(results, 'logon').detail, `Logged on as user ${account.userId}.`);
    assert.match(step(results, 'ping').detail, /^Round trip \d+ ms \(median of 3: \d+, \d+, \d+ ms\)\.$/);
    await waitFor(() => emu.connectionCount() === 0, 'the test to close its WebSocket');
  });

  it('signed out: the upgrade is answered (401 without a sign-in), and logon and ping are skipped with Sign In as the next step', async () => {
    const emu = await serve();
    const results = await diagnose(input(emu));
    assert.equal(step(results, 'upgrade').status, 'passed');
    assert.equal(step(results, 'upgrade').detail, `ws://127.0.0.1:${emu.port} answered the upgrade and, without a sign-in, refused it (HTTP 401), as it should.`);
    assert.equal(step(results, 'logon').status, 'skipped');
    assert.deepEqual(step(results, 'logon').action, { kind: 'signIn' });
    assert.equal(step(results, 'ping').status, 'skipped');
    assert.ok(!results.some((r) => r.status === 'failed'));
  });

  it('signed in with a key the server no longer accepts: the upgrade fails with Sign In as the next step, and the rest is skipped', async () => {
    const emu = await serve();
    const { userId } = await signIn(emu);
    const results = await diagnose(input(emu, { account: { userId, sessionKey: 'a-key-the-server-never-issued' } }));
    const upgrade = step(results, 'upgrade');
    assert.match(upgrade.detail, /^The server refused the connection \(HTTP 401\): the session key is wrong or has expired\./);
    assert.equal(upgrade.next, 'Sign in again.');
    assert.deepEqual(upgrade.action, { kind: 'signIn' });
    skippedAfter(results, 'upgrade');
  });

  it('with a trusted certificate: the TLS step names the protocol, the issuer, the names, the expiry, and that it is trusted', async () => {
    const emu = await serve(pki.server);
    const account = await signIn(emu, { ca: pki.ca });
    // The test certificate ends in 7 days: a 3-day threshold leaves it unremarkable.
    const results = await diagnose(input(emu, { account, network: { ca: pki.ca }, expiryWarningDays: 3 }));
    const tls = step(results, 'tls');
    assert.equal(tls.status, 'passed', tls.detail);
    assert.match(tls.detail, /^TLSv1\.[23], certificate for localhost, emulator\.instamrkt\.test, 127\.0\.0\.1, 127\.0\.0\.2, (::1|0:0:0:0:0:0:0:1), issued by Instamrkt Test CA, valid until .+ GMT: trusted\.$/);
    assert.match(step(results, 'rest').detail, /^https:\/\/127\.0\.0\.1:\d+ answered HTTP 200 over TLSv1\.[23], with the sign-in cookie\.$/);
    assert.equal(step(results, 'ping').status, 'passed');
  });

  it('with a trusted certificate that ends within 14 days: TLS is a warning (the rest still runs), saying when and who has to act', async () => {
    const emu = await serve(pki.server);
    const results = await diagnose(input(emu, { network: { ca: pki.ca } }));
    const tls = step(results, 'tls');
    assert.equal(tls.status, 'warning');
    assert.match(tls.detail, /: trusted, but it expires in [67] days\.$/);
    assert.equal(tls.next, "The server's operator has to renew the certificate soon.");
    assert.equal(step(results, 'rest').status, 'passed');
  });

  it('with a certificate from a CA this computer does not trust: TLS fails naming the problem, says what to do, and skips the rest', async () => {
    const emu = await serve(pki.unknownCa);
    const results = await diagnose(input(emu, { network: { ca: pki.ca } }));
    const tls = step(results, 'tls');
    assert.match(tls.detail, /: not trusted\. The certificate of 127\.0\.0\.1 is not trusted \(it is not issued by a certificate authority this computer trusts\)\./);
    assert.match(tls.next ?? '', /^Add your network's certificate authority to this computer's trusted certificates/);
    assert.deepEqual(tls.action, { kind: 'settings', setting: 'http.systemCertificates' });
    skippedAfter(results, 'tls');
  });

  it('with a certificate for another host: TLS fails naming the host it is for, and points at the server setting', async () => {
    const emu = await serve(pki.wrongHost);
    const results = await diagnose(input(emu, { network: { ca: pki.ca } }));
    const tls = step(results, 'tls');
    assert.match(tls.detail, /The certificate of 127\.0\.0\.1 is for other\.example, not 127\.0\.0\.1\./);
    assert.deepEqual(tls.action, { kind: 'settings', setting: 'instamrkt.serverUrl' });
    skippedAfter(results, 'tls');
  });

  it('through a CONNECT proxy: the name is left to the proxy, the tunnel is opened, and every later step passes through it', async () => {
    const emu = await serve(pki.server);
    const p = await startConnectProxy({ hosts: { [PROXIED_TEST_HOST]: '127.0.0.1' } });
    proxies.push(p);
    const network: NetworkOptions = { ca: pki.ca, env: { HTTPS_PROXY: p.url } };
    const proxied = { url: `https://${PROXIED_TEST_HOST}:${emu.port}`, wsUrl: `wss://${PROXIED_TEST_HOST}:${emu.port}` };
    const account = await signIn(emu, { ca: pki.ca });
    const results = await diagnose(input(proxied, { account, network }));
    assert.ok(!results.some((r) => r.status === 'failed' || r.status === 'skipped'), results.map((r) => `${r.id}: ${r.status} ${r.detail}`).join('\n'));
    assert.equal(step(results, 'proxy').detail, `Through the proxy ${p.url} (from HTTPS_PROXY).`);
    assert.equal(step(results, 'dns').status, 'info');
    assert.equal(step(results, 'dns').detail, `Not looked up here: the proxy ${p.url} resolves ${PROXIED_TEST_HOST}.`);
    assert.equal(step(results, 'tcp').detail, `The proxy ${p.url} opened a tunnel to ${PROXIED_TEST_HOST}:${emu.port}.`);
    assert.match(step(results, 'rest').detail, new RegExp(`over TLSv1\\.[23] through the proxy ${p.url.replace(/\./g, '\\.')}, with the sign-in cookie\\.$`));
    assert.ok(p.requests.every((r) => r.method === 'CONNECT' && r.target === `${PROXIED_TEST_HOST}:${emu.port}`));
    assert.ok(p.tunnels().length >= 4, 'TCP, TLS, REST and the WebSocket each went through the proxy');
  });

  it('through a proxy that wants credentials it was not given: TCP fails with the 407 and points at http.proxy; with http.proxyAuthorization it passes', async () => {
    const emu = await serve(pki.server);
    const p = await startConnectProxy({ hosts: { [PROXIED_TEST_HOST]: '127.0.0.1' }, requireAuthorization: CREDENTIALS });
    proxies.push(p);
    const proxied = { url: `https://${PROXIED_TEST_HOST}:${emu.port}`, wsUrl: `wss://${PROXIED_TEST_HOST}:${emu.port}` };
    const refused = await diagnose(input(proxied, { network: { ca: pki.ca, proxy: { proxy: p.url } } }));
    const tcp = step(refused, 'tcp');
    assert.match(tcp.detail, /^The proxy http:\/\/127\.0\.0\.1:\d+ requires authentication \(HTTP 407\)/);
    assert.deepEqual(tcp.action, { kind: 'settings', setting: 'http.proxy' });
    skippedAfter(refused, 'tcp');

    const given = await diagnose(input(proxied, { network: { ca: pki.ca, proxy: { proxy: p.url, authorization: CREDENTIALS } } }));
    assert.ok(!given.some((r) => r.status === 'failed'), given.map((r) => `${r.id}: ${r.status} ${r.detail}`).join('\n'));
  });

  it('a proxy that is not there: TCP fails naming the proxy, not the server, and points at the setting it came from', async () => {
    const p = await startConnectProxy();
    await p.close();
    const proxied = { url: `https://${PROXIED_TEST_HOST}:9`, wsUrl: `wss://${PROXIED_TEST_HOST}:9` };
    const fromSetting = await diagnose(input(proxied, { network: { proxy: { proxy: p.url } } }));
    const tcp = step(fromSetting, 'tcp');
    assert.match(tcp.detail, new RegExp(`^Could not reach the proxy ${p.url.replace(/\./g, '\\.')}: .*ECONNREFUSED`));
    assert.equal(tcp.next, 'Check http.proxy: is the proxy running, and is its address right?');
    assert.deepEqual(tcp.action, { kind: 'settings', setting: 'http.proxy' });
    skippedAfter(fromSetting, 'tcp');

    const fromEnv = step(await diagnose(input(proxied, { network: { env: { HTTPS_PROXY: p.url } } })), 'tcp');
    assert.equal(fromEnv.next, 'Check HTTPS_PROXY: is the proxy running, and is its address right?');
    assert.equal(fromEnv.action, undefined, 'no setting to open for an environment variable');
  });

  it('a closed port: TCP fails with ECONNREFUSED and says to check the port; with the local emulator in use, to start it again', async () => {
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    const port = (server.address() as net.AddressInfo).port;
    await new Promise<void>((resolve) => server.close(() => resolve()));
    const closed = { url: `http://127.0.0.1:${port}`, wsUrl: `ws://127.0.0.1:${port}` };

    const results = await diagnose(input(closed));
    const tcp = step(results, 'tcp');
    assert.match(tcp.detail, /ECONNREFUSED/);
    assert.equal(tcp.next, 'Nothing accepts connections there: check the port in instamrkt.serverUrl, and that the server is up.');
    assert.deepEqual(tcp.action, { kind: 'settings', setting: 'instamrkt.serverUrl' });
    skippedAfter(results, 'tcp');

    const emulatorResults = await diagnose(input(closed, { usingEmulator: true }));
    assert.deepEqual(step(emulatorResults, 'tcp').action, { kind: 'startEmulator' });
  });

  it('a setting that cannot be used: the settings step fails naming it, with Open Settings on it, and nothing touches the network', async () => {
    const results = await diagnose(input({ url: 'https://instamrkt.example', wsUrl: 'ws://instamrkt.example:9999' }));
    const settings = step(results, 'settings');
    assert.equal(settings.detail, 'instamrkt.serverUrl: Refusing unencrypted ws:// to instamrkt.example: use wss:// for any host that is not this machine.');
    assert.deepEqual(settings.action, { kind: 'settings', setting: 'instamrkt.serverUrl' });
    skippedAfter(results, 'settings');
  });

  it('a name that does not resolve: the name step fails with the lookup error and points at the server setting', async () => {
    const results = await diagnose(
      input({ url: 'https://nowhere.instamrkt.test', wsUrl: 'wss://nowhere.instamrkt.test:9999' }, { lookup: () => Promise.reject(Object.assign(new Error('getaddrinfo ENOTFOUND nowhere.instamrkt.test'), { code: 'ENOTFOUND' })) }),
    );
    const dns = step(results, 'dns');
    assert.equal(dns.detail, 'getaddrinfo ENOTFOUND nowhere.instamrkt.test');
    assert.deepEqual(dns.action, { kind: 'settings', setting: 'instamrkt.serverUrl' });
    skippedAfter(results, 'dns');
  });

  it('every step has its title, in order, also when it is skipped', async () => {
    const results = await diagnose(input({ url: 'https://instamrkt.example', wsUrl: 'ws://instamrkt.example:9999' }));
    assert.deepEqual(
      results.map((r) => r.title),
      ['Where the extension runs', 'Settings valid', 'Proxy', 'Name resolved', 'TCP connect', 'TLS', 'REST reachable', 'WebSocket upgrade', 'Logon', 'Ping'],
    );
  });

  it('a server URL without a port is reached on the default port of its scheme: 80 for ws://, 443 for wss://', async () => {
    const rest = 'http://127.0.0.1:9';
    // Refused, or (where something listens there) connected: either way the TCP step names the port it used.
    const plain = step(await diagnose(input({ url: rest, wsUrl: 'ws://127.0.0.1' })), 'tcp');
    assert.match(plain.detail, /127\.0\.0\.1:80\b/, plain.detail);
    const secure = step(await diagnose(input({ url: rest, wsUrl: 'wss://127.0.0.1' })), 'tcp');
    assert.match(secure.detail, /127\.0\.0\.1:443\b/, secure.detail);
  });

  it('a name lookup that never answers fails the name step after the timeout, saying so, and skips the rest', async () => {
    const results = await diagnose(
      input({ url: 'https://slow.instamrkt.test', wsUrl: 'wss://slow.instamrkt.test:9999' }, { timeoutMs: 1000, lookup: () => new Promise<never>(() => undefined) }),
    );
    assert.equal(step(results, 'dns').detail, 'Looking up slow.instamrkt.test: no answer within 1 s. (ETIMEDOUT)');
    skippedAfter(results, 'dns');
  });

  it("without a lookup given, names are resolved by the system's resolver: localhost has an address", async () => {
    const dns = step(await diagnose(input({ url: 'http://localhost:9', wsUrl: 'ws://localhost:9' })), 'dns');
    assert.equal(dns.status, 'passed', dns.detail);
    assert.match(dns.detail, /^localhost → (?:[\d.:a-f]+)(?:, [\d.:a-f]+)*$/);
  });

  it('signed in, but the stored sign-in could not be read: logon is skipped, saying why, with Sign In as the next step', async () => {
    const emu = await serve();
    const results = await diagnose(input(emu, { accountUnreadable: 'the keyring is locked' }));
    const logon = step(results, 'logon');
    assert.equal(logon.status, 'skipped');
    assert.equal(logon.detail, 'The stored sign-in could not be read: the keyring is locked');
    assert.equal(logon.next, 'Sign in again, then test again.');
    assert.deepEqual(logon.action, { kind: 'signIn' });
  });

  it('a sign-in address that is not the sign-in API: REST fails on a status other than 200, or on a 200 without the _xsrf cookie, pointing at instamrkt.restUrl', async () => {
    const emu = await serve();
    let status = 404;
    const web = http.createServer((_req, res) => res.writeHead(status, { 'content-type': 'text/html' }).end('<p>some other site</p>'));
    await new Promise<void>((resolve) => web.listen(0, '127.0.0.1', resolve));
    const origin = `http://127.0.0.1:${(web.address() as net.AddressInfo).port}`;
    try {
      const notFound = await diagnose(input({ url: origin, wsUrl: emu.wsUrl }));
      const rest = step(notFound, 'rest');
      assert.equal(rest.detail, `${origin} answered HTTP 404, not the sign-in page.`);
      assert.equal(rest.next, 'Check instamrkt.restUrl: it must be the address of the Instamrkt sign-in API.');
      assert.deepEqual(rest.action, { kind: 'settings', setting: 'instamrkt.restUrl' });
      skippedAfter(notFound, 'rest');
      status = 200;
      const noCookie = step(await diagnose(input({ url: origin, wsUrl: emu.wsUrl })), 'rest');
      assert.equal(noCookie.status, 'failed');
      assert.equal(noCookie.detail, `${origin} answered HTTP 200 without the _xsrf cookie that signing in needs.`);
      assert.deepEqual(noCookie.action, { kind: 'settings', setting: 'instamrkt.restUrl' });
    } finally {
      await new Promise<void>((resolve) => web.close(() => resolve()));
    }
  });

  it("the report holds no session key: formatted from a signed-in run, the account's key is nowhere in it", async () => {
    const emu = await serve();
    const account = await signIn(emu);
    const report = formatReport(await diagnose(input(emu, { account })), { serverUrl: emu.wsUrl, restUrl: emu.url, at: new Date() });
    assert.ok(!report.includes(account.sessionKey));
    assert.match(report, /^10\. \*\*PASS\*\* Ping \((?:<1|\d+) ms\)$/m);
  });
});
