// adviceFor: what Test Connection tells a person to do when a step fails, for
// each kind of failure, and how a raw Node error is read (the first errno
// code, E followed by capitals, in the cause chain, looked at 8 deep).
import * as assert from 'node:assert/strict';
import type { DiagnoseInput, StepId } from '../../src/protocol/diagnose';
import { adviceFor, StepFailure } from '../../src/protocol/diagnoseAdvice';
import { AuthenticationError, CertificateError, ConnectionFailedError, describeError, ProxyAuthenticationError, ProxyError, type CertificateProblem } from '../../src/protocol/errors';

// adviceFor reads only usingEmulator of the input.
const remote = { usingEmulator: false } as DiagnoseInput;
const local = { usingEmulator: true } as DiagnoseInput;

function nodeError(code: string, cause?: unknown): Error {
  return Object.assign(new Error(`failed with ${code}`, { cause }), { code });
}

const refusedNext = (setting: string) => `Nothing accepts connections there: check the port in ${setting}, and that the server is up.`;
const proxyNext = 'A firewall may block the port, or your network may require a proxy (http.proxy).';
const showLog = { next: 'Show the log for details, then test again.', action: { kind: 'showLog' } };

describe('adviceFor (Test Connection)', () => {
  it("gives a step's own verdict as it is worded", () => {
    const advice = adviceFor(new StepFailure('No key stored.', 'Sign in first.', { kind: 'signIn' }), 'logon', remote);
    assert.deepEqual(advice, { detail: 'No key stored.', next: 'Sign in first.', action: { kind: 'signIn' } });
  });

  describe('a refused certificate', () => {
    const cases: [CertificateProblem, string, object | undefined][] = [
      ['wrong-host', 'Check the host in instamrkt.serverUrl and instamrkt.restUrl.', { kind: 'settings', setting: 'instamrkt.serverUrl' }],
      ['self-signed', "Add your network's certificate authority to this computer's trusted certificates (ask your IT department for it), then test again.", { kind: 'settings', setting: 'http.systemCertificates' }],
      ['untrusted', "Add your network's certificate authority to this computer's trusted certificates (ask your IT department for it), then test again.", { kind: 'settings', setting: 'http.systemCertificates' }],
      ['expired', "Check this computer's date and time; if it is right, the server's operator has to renew the certificate.", undefined],
      ['not-yet-valid', "Check this computer's date and time; if it is right, the server's operator has to renew the certificate.", undefined],
      ['revoked', "The server's operator has to replace the certificate.", undefined],
    ];
    for (const [problem, next, action] of cases) {
      it(`${problem}: ${next}`, () => {
        const err = new CertificateError(`Certificate ${problem}.`, problem, 'example.com', false);
        assert.deepEqual(adviceFor(err, 'tls', remote), { detail: describeError(err), next, ...(action && { action }) });
      });
    }

    it("the proxy's own: trust its CA or turn off http.proxyStrictSSL", () => {
      const err = new CertificateError('Proxy certificate expired.', 'expired', 'proxy.example', true);
      assert.deepEqual(adviceFor(err, 'tls', remote), {
        detail: describeError(err),
        next: "Trust the proxy's certificate authority on this computer, or turn off http.proxyStrictSSL.",
        action: { kind: 'settings', setting: 'http.proxyStrictSSL' },
      });
    });
  });

  it("a proxy's 407: give it credentials, in http.proxy", () => {
    const err = new ProxyAuthenticationError('407.', 'http://proxy:8080');
    assert.deepEqual(adviceFor(err, 'upgrade', remote), {
      detail: describeError(err),
      next: "Give the proxy its credentials: http.proxy's user:password, or http.proxyAuthorization.",
      action: { kind: 'settings', setting: 'http.proxy' },
    });
  });

  it('an unusable proxy setting: fix or clear that setting', () => {
    const err = new ProxyError('Bad proxy.', 'http.proxy');
    assert.deepEqual(adviceFor(err, 'proxy', remote), { detail: describeError(err), next: 'Fix or clear http.proxy.', action: { kind: 'settings', setting: 'http.proxy' } });
  });

  it('an unusable proxy variable: fix or unset it where VS Code is started, with no setting to open', () => {
    const err = new ProxyError('Bad proxy.', 'HTTPS_PROXY');
    assert.deepEqual(adviceFor(err, 'proxy', remote), { detail: describeError(err), next: 'Fix or unset the environment variable HTTPS_PROXY where VS Code is started.' });
  });

  it('a refused logon: sign in again', () => {
    const err = new AuthenticationError('Refused.');
    assert.deepEqual(adviceFor(err, 'logon', remote), { detail: describeError(err), next: 'Sign in again.', action: { kind: 'signIn' } });
  });

  describe('a raw Node error, by its code', () => {
    const byCode: [string, StepId, string, object][] = [
      ['ECONNREFUSED', 'tcp', refusedNext('instamrkt.serverUrl'), { kind: 'settings', setting: 'instamrkt.serverUrl' }],
      ['ECONNREFUSED', 'rest', refusedNext('instamrkt.restUrl'), { kind: 'settings', setting: 'instamrkt.restUrl' }],
      ...(['ENOTFOUND', 'EAI_AGAIN', 'EAI_NONAME'].map((code) => [
        code,
        'dns',
        "Check the host name in instamrkt.serverUrl and this computer's network; a network that only lets a proxy look names up needs http.proxy.",
        { kind: 'settings', setting: 'instamrkt.serverUrl' },
      ]) as [string, StepId, string, object][]),
      ...(['ETIMEDOUT', 'ENETUNREACH', 'EHOSTUNREACH'].map((code) => [code, 'tcp', proxyNext, { kind: 'settings', setting: 'http.proxy' }]) as [string, StepId, string, object][]),
      ['ECONNRESET', 'tls', 'Something on the way (a firewall, a proxy) cut the connection: a network that requires a proxy needs http.proxy.', { kind: 'settings', setting: 'http.proxy' }],
      ['EPIPE', 'tcp', showLog.next, showLog.action],
    ];
    for (const [code, step, next, action] of byCode) {
      it(`${code} at ${step}: ${next}`, () => {
        assert.deepEqual(adviceFor(nodeError(code), step, remote), { detail: `failed with ${code}`, next, action });
      });
    }

    it('ECONNREFUSED from the local emulator: start it again', () => {
      assert.deepEqual(adviceFor(nodeError('ECONNREFUSED'), 'tcp', local), {
        detail: 'failed with ECONNREFUSED',
        next: 'The local emulator is not running: start it again.',
        action: { kind: 'startEmulator' },
      });
    });

    it('an error with no code: show the log', () => {
      assert.deepEqual(adviceFor(new Error('odd'), 'tcp', remote), { detail: 'odd', ...showLog });
    });

    it("finds the errno code in the cause chain, past codes that are not one (the extension's own, a ws code, digits)", () => {
      const chain = new ConnectionFailedError('Could not connect.', undefined, { cause: nodeError('WS_ERR_X', nodeError('EPROTO_1', nodeError('ECONNREFUSED'))) });
      assert.equal(adviceFor(chain, 'tcp', remote).next, refusedNext('instamrkt.serverUrl'));
    });

    it('takes a code only when the whole of it is E and capitals: CERT_HAS_EXPIRED is passed over', () => {
      assert.equal(adviceFor(nodeError('CERT_HAS_EXPIRED', nodeError('ECONNRESET')), 'tls', remote).action?.kind, 'settings');
    });

    it('looks 8 errors deep, no further, and ends on a chain that loops', () => {
      let deep: Error = nodeError('ECONNREFUSED');
      for (let i = 0; i < 8; i++) deep = new Error(`wrapper ${i}`, { cause: deep });
      assert.deepEqual(adviceFor(deep, 'tcp', remote).action, showLog.action, 'the code is the 9th: not looked at');
      let seven: Error = nodeError('ECONNREFUSED');
      for (let i = 0; i < 7; i++) seven = new Error(`wrapper ${i}`, { cause: seven });
      assert.deepEqual(adviceFor(seven, 'tcp', remote).action, { kind: 'settings', setting: 'instamrkt.serverUrl' }, 'the 8th is');
      const loop: Error & { cause?: unknown } = new Error('loops');
      loop.cause = loop;
      assert.deepEqual(adviceFor(loop, 'tcp', remote).action, showLog.action);
    });
  });
});
