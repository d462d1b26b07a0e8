// network.ts's wording of failures: a proxy's 407 (with and without a known
// proxy, and who routes the connection), a failure to connect (its cause
// kept), and when a refused certificate is worth a second look at the server
// (only an expired server certificate; the server then sees one handshake,
// otherwise none). The look is against a real TLS server that counts connections.
import * as assert from 'node:assert/strict';
import type { AddressInfo } from 'node:net';
import * as tls from 'node:tls';
import { CertificateError, ConnectionFailedError } from '../../src/protocol/errors';
import { networkFailure, proxyAuthenticationError, routeFor, withCertificateDate, type Route } from '../../src/protocol/network';
import { proxyFor } from '../../src/protocol/proxy';
import { makeTestPki, type TestPki } from '../fixtures/certificates';

function routeThrough(proxy: string, by: 'extension' | 'vscode'): Route {
  const decision = { ...proxyFor('wss://instamrkt.com', { proxy }, {}), by };
  return { decision, agent: undefined as never, ca: undefined };
}

describe('network.ts: failures, worded', () => {
  it("a 407 from an unknown proxy names none and offers both places for credentials", () => {
    const err = proxyAuthenticationError(undefined);
    assert.equal(err.proxy, undefined);
    assert.equal(
      err.message,
      'The proxy requires authentication (HTTP 407), or refused the credentials it was given. Put the user name and password into http.proxy (http://user:password@host:port), or set http.proxyAuthorization.',
    );
  });

  it("a 407 from the extension's proxy names it, without credentials, and offers both places", () => {
    const err = proxyAuthenticationError(routeThrough('http://user:secret@proxy.example:3128', 'extension'));
    assert.equal(err.proxy, 'http://proxy.example:3128');
    assert.match(err.message, /^The proxy http:\/\/proxy\.example:3128 requires authentication \(HTTP 407\)/);
    assert.match(err.message, /, or set http\.proxyAuthorization\.$/);
  });

  it('a 407 while VS Code routes the connection offers http.proxy only (VS Code does not send http.proxyAuthorization)', () => {
    const err = proxyAuthenticationError(routeThrough('http://proxy.example:3128', 'vscode'));
    assert.match(err.message, /\(http:\/\/user:password@host:port\)\.$/);
  });

  it('a failure to connect with no route known names the host and keeps the cause', () => {
    const cause = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:1'), { code: 'ECONNREFUSED' });
    const err = networkFailure(cause, new URL('wss://instamrkt.com:9999'), undefined);
    assert.ok(err instanceof ConnectionFailedError);
    assert.equal(err.message, 'Could not connect to instamrkt.com:9999: connect ECONNREFUSED 127.0.0.1:1');
    assert.equal(err.cause, cause);
  });

  describe('withCertificateDate: a second look only for an expired server certificate', () => {
    let pki: TestPki;
    let server: tls.Server;
    let connections: number;
    let url: URL;
    let route: Route;

    before(async () => {
      pki = await makeTestPki();
    });

    beforeEach(async () => {
      connections = 0;
      server = tls.createServer({ cert: pki.expired.cert, key: pki.expired.key }, (socket) => socket.destroy());
      server.on('connection', () => connections++);
      server.on('tlsClientError', () => undefined);
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      url = new URL(`wss://127.0.0.1:${(server.address() as AddressInfo).port}`);
      route = await routeFor(url, { ca: pki.ca });
    });

    afterEach(() => new Promise<void>((resolve) => server.close(() => resolve())));

    const certError = (problem: 'expired' | 'untrusted', atProxy: boolean) =>
      new CertificateError(`The certificate is ${problem}.`, problem, '127.0.0.1', atProxy, { cause: Object.assign(new Error('certificate has expired'), { code: 'CERT_HAS_EXPIRED' }) });

    it('looks once at the server for an expired server certificate, and says when it expired', async () => {
      const result = await withCertificateDate(certError('expired', false), url, route, 5000);
      assert.equal(connections, 1);
      assert.ok(result instanceof CertificateError);
      assert.match(result.message, /expired on/);
    });

    for (const [what, error] of [
      ['an error that is not about a certificate', new ConnectionFailedError('Could not connect.')],
      ['another certificate problem', certError('untrusted', false)],
      ["an expired certificate of the proxy's", certError('expired', true)],
    ] as const) {
      it(`returns ${what} as it is, without looking at the server`, async () => {
        const result = await withCertificateDate(error, url, route, 5000);
        assert.equal(result, error);
        assert.equal(connections, 0);
      });
    }
  });
});
