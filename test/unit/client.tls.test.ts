// The client over TLS, against the emulator serving https + wss with
// certificates made at test time: with the test CA trusted, sign-in, list,
// open and close work; with an untrusted, self-signed, expired or wrong-host
// certificate, the REST sign-in and the WebSocket both fail with a
// CertificateError that names the problem and the host, and the WebSocket
// schedules no retry (trying again cannot help).
import * as assert from 'node:assert/strict';
import { startEmulator, type Emulator } from '../../src/emulator/server';
import { InstamrktClient } from '../../src/protocol/client';
import { CertificateError, type CertificateProblem } from '../../src/protocol/errors';
import { RestClient } from '../../src/protocol/rest';
import { makeTestPki, type CertAndKey, type TestPki } from '../fixtures/certificates';

describe('the client over TLS (https + wss)', () => {
  let pki: TestPki;
  const emulators: Emulator[] = [];
  const clients: InstamrktClient[] = [];
  const serve = async (tls: CertAndKey): Promise<Emulator> => {
    const emu = await startEmulator({ port: 0, seed: 'demo', tls });
    emulators.push(emu);
    return emu;
  };
  const client = (emu: Emulator, ca: string | undefined, credentials = { userId: '1001', sessionKey: 'not-checked-before-tls' }): InstamrktClient => {
    const c = new InstamrktClient({
      serverUrl: emu.wsUrl,
      credentials: async () => credentials,
      keepAliveMs: 0,
      // Quick retries: a retry, if one were scheduled, would be due at once.
      reconnect: { initialDelayMs: 10, maxDelayMs: 10, factor: 1, jitter: 0 },
      network: () => ({ ca }),
    });
    clients.push(c);
    return c;
  };

  before(async () => {
    pki = await makeTestPki();
  });
  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    for (const e of emulators.splice(0)) await e.close();
  });

  it('signs in, lists, opens and closes with the test CA trusted', async () => {
    const emu = await serve(pki.server);
    const session = await new RestClient(emu.url, { network: { ca: pki.ca } }).login('demo', 'demo');
    const c = client(emu, pki.ca, { userId: session.userId, sessionKey: session.sessionKey });
    await c.connect();
    const before = await c.listGameSources();
    assert.ok(before.some((s) => s.name === 'demo.instamrkt.local'), 'the seeded source is listed');
    const id = await c.openGameSource('tls.example', 'opened over wss');
    assert.ok((await c.listGameSources()).some((s) => s.id === id));
    await c.closeGameSource(id);
    assert.ok(!(await c.listGameSources()).some((s) => s.id === id));
  });

  it('reports the TLS connection of the REST probe: protocol, issuer, names, validity, trusted', async () => {
    const emu = await serve(pki.server);
    const probe = await new RestClient(emu.url, { network: { ca: pki.ca } }).probe();
    assert.equal(probe.status, 200);
    assert.equal(probe.xsrf, true);
    assert.match(probe.decision.reason, /^direct: 127\.0\.0\.1 is this machine/);
    const tls = probe.tls;
    assert.ok(tls, 'an https reply carries its TLS details');
    assert.match(tls.protocol ?? '', /^TLSv1\.[23]$/);
    assert.equal(tls.issuer, 'Instamrkt Test CA');
    assert.equal(tls.subject, '127.0.0.1');
    assert.ok(tls.names.includes('127.0.0.1') && tls.names.includes('localhost'), tls.names.join(', '));
    assert.ok(tls.validTo && tls.validTo.getTime() > Date.now());
    assert.equal(tls.authorized, true);
    assert.equal(tls.authorizationError, undefined);
  });

  /** The certificate's end date as the message gives it (X.509 keeps whole seconds). */
  const expiredOn = (p: TestPki): string => new Date(Math.floor(p.expired.expiredAt.getTime() / 1000) * 1000).toUTCString();
  const problems: [string, (p: TestPki) => CertAndKey, CertificateProblem, (p: TestPki) => RegExp][] = [
    ['a self-signed certificate', (p) => p.selfSigned, 'self-signed', () => /^The certificate of 127\.0\.0\.1 is not trusted \(self-signed\)\. If your network uses its own certificate authority/],
    ['a certificate from an unknown CA', (p) => p.unknownCa, 'untrusted', () => /^The certificate of 127\.0\.0\.1 is not trusted \(it is not issued by a certificate authority this computer trusts\)\./],
    ['an expired certificate', (p) => p.expired, 'expired', (p) => new RegExp(`^The certificate of 127\\.0\\.0\\.1 expired on ${expiredOn(p)}\\. The server has to renew it`)],
    ['a certificate for another host', (p) => p.wrongHost, 'wrong-host', () => /^The certificate of 127\.0\.0\.1 is for other\.example, not 127\.0\.0\.1\. Check the server address in the settings\.$/],
  ];
  for (const [what, cert, problem, message] of problems) {
    describe(`with ${what}`, () => {
      const isProblem = (err: unknown): boolean => {
        assert.ok(err instanceof CertificateError, `a CertificateError, not ${String(err)}`);
        assert.equal(err.code, 'certificate');
        assert.equal(err.problem, problem);
        assert.equal(err.host, '127.0.0.1');
        assert.equal(err.atProxy, false);
        assert.match(err.message, message(pki));
        return true;
      };

      it('the REST sign-in fails with a CertificateError naming the problem and the host', async () => {
        const emu = await serve(cert(pki));
        await assert.rejects(new RestClient(emu.url, { network: { ca: pki.ca } }).login('demo', 'demo'), isProblem);
      });

      it('the WebSocket fails with the same CertificateError, and no retry is scheduled', async () => {
        const emu = await serve(cert(pki));
        const c = client(emu, pki.ca);
        const states: { state: string; nextRetryAt?: number }[] = [];
        c.onDidChangeState((e) => states.push({ state: e.state, nextRetryAt: e.nextRetryAt }));
        await assert.rejects(c.connect(), isProblem);
        assert.equal(c.state, 'disconnected');
        assert.equal(c.nextRetryAt, undefined, 'no retry is scheduled');
        assert.ok(states.every((s) => s.nextRetryAt === undefined), 'no state change announced a retry');
        assert.ok(c.lastError instanceof CertificateError);
      });
    });
  }

  it('does not trust the test CA unless told to: the real server certificate is then untrusted', async () => {
    const emu = await serve(pki.server);
    await assert.rejects(new RestClient(emu.url, { network: {} }).login('demo', 'demo'), (err: unknown) => err instanceof CertificateError && err.problem === 'untrusted');
  });
});
