// TLS in the real extension host: the emulator serves https + wss with the
// run's test certificate, and the host trusts the test CA the way it trusts a
// system CA (code-server was started with NODE_EXTRA_CA_CERTS; the extension
// is given no CA and has no setting for one). Sign-in, list, open and close
// work; a certificate that is not trusted, for another host, or expired fails
// with an error that names the problem and the host, with its next step,
// and is not retried.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import type { InstamrktApi } from '../../src/extension';
import { CertificateError, ConnectionFailedError, ConnectionLostError, NotConnectedError, ProxyAuthenticationError, ProxyError, ServerError } from '../../src/protocol/errors';
import { errorNotice } from '../../src/ui/notices';
import { api, noticeAfter, pki, pointAt, readPair, savedSettings, stepsOf } from './networkKit';
import { until } from './until';

/** The status now (a fresh read, not narrowed by earlier assertions on the same path). */
function statusNow(a: InstamrktApi): InstamrktApi['session']['snapshot']['status'] {
  return a.session.snapshot.status;
}

describe('TLS in the real host (the test CA trusted through NODE_EXTRA_CA_CERTS)', function () {
  this.timeout(60_000);
  let a: InstamrktApi;
  let emu: Emulator;
  const others: Emulator[] = [];
  const settings = savedSettings(['instamrkt.serverUrl', 'instamrkt.restUrl']);

  before(async () => {
    a = await api();
    emu = await startEmulator({ port: 0, seed: 'demo', tls: readPair(pki().server) });
  });

  after(async () => {
    if (a.session.isSignedIn && a.session.snapshot.serverUrl === emu.wsUrl) await a.session.signOut().catch(() => undefined);
    await settings.restore();
    await emu.close();
    for (const e of others) await e.close();
  });

  it('signs in over https, then lists, opens and closes over wss, with no CA given to the extension', async () => {
    assert.equal(process.env.NODE_EXTRA_CA_CERTS, pki().ca, 'the host runs with the test CA as an extra trusted CA');
    await pointAt(a, emu.url, emu.wsUrl);
    await a.session.signIn('demo', 'demo');
    assert.equal(a.session.snapshot.status.kind, 'connected');
    await until('the source list', () => a.service.state.kind === 'live');
    const names = (): string[] => a.service.list().map((s) => s.info.name);
    assert.ok(names().includes('demo.instamrkt.local'), names().join(', '));
    const id = await a.service.open('tls-in-host.example', 'opened over wss');
    await until('the opened source to be listed', () => names().includes('tls-in-host.example'));
    await a.service.close([id]);
    await until('the closed source to leave the list', () => !names().includes('tls-in-host.example'));
  });

  it('gives each certificate, proxy and connection problem its next step: the setting that can fix it, else Test Connection (Connect when not connected), and Show Log', () => {
    const steps = (err: Error): string[] => errorNotice(err).steps.map((s) => `${s.label}${s.args.length > 0 ? ` ${String(s.args[0])}` : ''}`);
    assert.deepEqual(steps(new CertificateError('m', 'wrong-host', 'h', false)), ['Open Settings instamrkt', 'Show Log']);
    assert.deepEqual(steps(new CertificateError('m', 'untrusted', 'h', false)), ['Open Settings http.systemCertificates', 'Show Log']);
    assert.deepEqual(steps(new CertificateError('m', 'self-signed', 'h', false)), ['Open Settings http.systemCertificates', 'Show Log']);
    assert.deepEqual(steps(new CertificateError('m', 'expired', 'h', false)), ['Test Connection', 'Show Log'], 'no setting fixes an expired certificate');
    assert.deepEqual(steps(new CertificateError('m', 'self-signed', 'proxy', true)), ['Open Settings http.proxyStrictSSL', 'Show Log']);
    assert.deepEqual(steps(new ProxyAuthenticationError('m', 'http://p:1')), ['Open Settings http.proxy', 'Show Log']);
    assert.deepEqual(steps(new ProxyError('m', 'http.proxy')), ['Open Settings http.proxy', 'Show Log']);
    assert.deepEqual(steps(new ProxyError('m', 'HTTPS_PROXY')), ['Test Connection', 'Show Log'], 'an environment variable is not a setting');
    assert.deepEqual(steps(new ConnectionFailedError('m')), ['Test Connection', 'Show Log']);
    assert.deepEqual(steps(new ConnectionLostError('m')), ['Test Connection', 'Show Log']);
    assert.deepEqual(steps(new NotConnectedError()), ['Connect', 'Show Log']);
    assert.deepEqual(steps(new ServerError('refused')), ['Show Log'], "the server's refusal: nothing to test or set");
  });

  const refused: [string, 'selfSigned' | 'wrongHost', RegExp][] = [
    ['self-signed', 'selfSigned', /^The certificate of 127\.0\.0\.1 is not trusted \(self-signed\)\./],
    ['for another host', 'wrongHost', /^The certificate of 127\.0\.0\.1 is for other\.example, not 127\.0\.0\.1\./],
  ];
  for (const [what, kind, message] of refused) {
    it(`refuses to sign in to a server whose certificate is ${what}, naming the problem and the host`, async () => {
      const bad = await startEmulator({ port: 0, seed: 'demo', tls: readPair(pki()[kind]) });
      others.push(bad);
      await pointAt(a, bad.url, bad.wsUrl);
      await assert.rejects(a.session.signIn('demo', 'demo'), (err: Error & { code?: unknown }) => {
        assert.equal(err.code, 'certificate');
        assert.match(err.message, message);
        return true;
      });
      assert.notEqual(a.session.snapshot.status.kind, 'connected');
    });
  }

  it('when the server\'s certificate has expired: the connection fails naming the problem and the host, is not retried, and Connect says so with Test Connection and Show Log', async () => {
    await pointAt(a, emu.url, emu.wsUrl);
    await a.session.signIn('demo', 'demo');
    assert.equal(a.session.snapshot.status.kind, 'connected');
    // The same server, now with an expired certificate: restart it on its port.
    const port = emu.port;
    await emu.close();
    emu = await startEmulator({ port, seed: 'demo', tls: readPair(pki().expired) });
    const status = await until('the reconnection to be refused for the certificate', () => {
      const s = a.session.snapshot.status;
      return s.kind === 'disconnected' && /certificate of 127\.0\.0\.1 expired/.test(s.error ?? '') ? s : undefined;
    }, 30_000);
    assert.equal(status.nextRetryAt, undefined, 'no retry is scheduled');
    const shown = a.notices().length;
    await vscode.commands.executeCommand('instamrkt.connect');
    const notice = await noticeAfter(a, shown, /^The certificate of 127\.0\.0\.1 expired on \w{3}, \d{2} \w{3} \d{4} [\d:]{8} GMT\. The server has to renew it/);
    assert.deepEqual(stepsOf(notice), [
      { label: 'Test Connection', args: [] },
      { label: 'Show Log', args: [] },
    ]);
    const after = statusNow(a);
    assert.ok(after.kind === 'disconnected' && after.nextRetryAt === undefined, 'still no retry after Connect');
  });
});
