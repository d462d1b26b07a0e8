// The protocol layer's errors: each class's stable code and name, the
// messages a user reads, and the two helpers that turn anything thrown into text.
import * as assert from 'node:assert/strict';
import {
  AuthenticationError,
  CertificateError,
  ConnectionFailedError,
  ConnectionLostError,
  describeError,
  DisposedError,
  errorMessage,
  formatDuration,
  InsecureUrlError,
  InstamrktError,
  InvalidArgumentError,
  NotConnectedError,
  ProtocolError,
  ProxyAuthenticationError,
  ProxyError,
  RequestTimeoutError,
  ServerError,
} from '../../src/protocol/errors';

describe('protocol errors', () => {
  it('each class has its stable code, its own name and is an InstamrktError', () => {
    const cases: [InstamrktError, string, string][] = [
      [new ProtocolError('p'), 'protocol', 'ProtocolError'],
      [new ServerError('s'), 'server', 'ServerError'],
      [new ConnectionLostError(), 'connection-lost', 'ConnectionLostError'],
      [new ConnectionFailedError('f'), 'connection-failed', 'ConnectionFailedError'],
      [new RequestTimeoutError('ping', 5), 'timeout', 'RequestTimeoutError'],
      [new AuthenticationError('a'), 'authentication', 'AuthenticationError'],
      [new InsecureUrlError('i'), 'insecure-url', 'InsecureUrlError'],
      [new NotConnectedError(), 'not-connected', 'NotConnectedError'],
      [new DisposedError(), 'disposed', 'DisposedError'],
      [new InvalidArgumentError('v'), 'invalid-argument', 'InvalidArgumentError'],
      [new CertificateError('c', 'expired', 'h', false), 'certificate', 'CertificateError'],
      [new ProxyAuthenticationError('pa', undefined), 'proxy-authentication', 'ProxyAuthenticationError'],
      [new ProxyError('px', 'http.proxy'), 'proxy', 'ProxyError'],
    ];
    for (const [error, code, name] of cases) {
      assert.ok(error instanceof InstamrktError && error instanceof Error, name);
      assert.equal(error.code, code, name);
      assert.equal(error.name, name);
    }
    assert.equal(new Set(cases.map(([, code]) => code)).size, cases.length, 'no two classes share a code');
  });

  it('keep the cause they are given', () => {
    const cause = new Error('under');
    assert.equal(new ProtocolError('p', { cause }).cause, cause);
    assert.equal(new ConnectionFailedError('f', 503, { cause }).cause, cause);
    assert.equal(new AuthenticationError('a', { cause }).cause, cause);
    assert.equal(new CertificateError('c', 'expired', 'h', true, { cause }).cause, cause);
  });

  it('ProtocolError carries the res of the reply it is about, or none', () => {
    assert.equal(new ProtocolError('p', { res: 335 }).res, 335);
    assert.equal(new ProtocolError('p').res, undefined);
    assert.equal(new ProtocolError('p', {}).res, undefined);
  });

  it("ServerError shows the server's text, or says that it gave none", () => {
    const e = new ServerError('You are not authorized to open a game source.');
    assert.equal(e.message, 'You are not authorized to open a game source.');
    assert.equal(e.text, 'You are not authorized to open a game source.');
    const silent = new ServerError('');
    assert.equal(silent.message, 'The server refused the request without saying why.');
    assert.equal(silent.text, '');
  });

  it('ConnectionLostError says the outcome is unknown, with the detail when there is one', () => {
    assert.equal(new ConnectionLostError().message, 'Connection lost — outcome unknown.');
    assert.equal(new ConnectionLostError('').message, 'Connection lost — outcome unknown.');
    assert.equal(new ConnectionLostError('socket closed 1006').message, 'Connection lost — outcome unknown (socket closed 1006).');
    assert.equal(new ConnectionLostError('socket closed 1006', { inFlight: false }).message, 'Connection lost (socket closed 1006).', 'no outcome when nothing was in flight');
    assert.equal(new ConnectionLostError(undefined, { inFlight: false }).message, 'Connection lost.');
  });

  it('ConnectionFailedError keeps the HTTP status when there is one', () => {
    assert.equal(new ConnectionFailedError('HTTP 503', 503).status, 503);
    assert.equal(new ConnectionFailedError('refused').status, undefined);
    assert.equal(new ConnectionFailedError('refused').message, 'refused');
  });

  it('RequestTimeoutError names the operation and the time waited, and says the outcome is unknown', () => {
    const e = new RequestTimeoutError('open_game_source', 30_000);
    assert.equal(e.message, 'No reply to open_game_source within 30 s — outcome unknown.');
    assert.equal(e.opName, 'open_game_source');
    assert.equal(e.timeoutMs, 30_000);
  });

  it('the certificate and proxy errors keep what they are about', () => {
    const c = new CertificateError('m', 'wrong-host', 'instamrkt.com', true);
    assert.deepEqual([c.message, c.problem, c.host, c.atProxy], ['m', 'wrong-host', 'instamrkt.com', true]);
    const pa = new ProxyAuthenticationError('m', 'http://proxy:3128');
    assert.deepEqual([pa.message, pa.proxy], ['m', 'http://proxy:3128']);
    const p = new ProxyError('m', 'HTTPS_PROXY');
    assert.deepEqual([p.message, p.source], ['m', 'HTTPS_PROXY']);
    assert.equal(new NotConnectedError().message, 'Not connected to the Instamrkt server.');
    assert.equal(new DisposedError().message, 'The Instamrkt client has been shut down.');
  });

  describe('formatDuration', () => {
    it('milliseconds below a second, rounded to whole ones', () => {
      assert.equal(formatDuration(0), '0 ms');
      assert.equal(formatDuration(400), '400 ms');
      assert.equal(formatDuration(400.4), '400 ms');
      assert.equal(formatDuration(999), '999 ms');
      assert.equal(formatDuration(999.4), '999 ms');
    });
    it('seconds with at most one decimal from a second on (999.5 ms rounds to a second)', () => {
      assert.equal(formatDuration(999.5), '1 s');
      assert.equal(formatDuration(1000), '1 s');
      assert.equal(formatDuration(1500), '1.5 s');
      assert.equal(formatDuration(1549), '1.5 s');
      assert.equal(formatDuration(1550), '1.6 s');
      assert.equal(formatDuration(30_000), '30 s');
    });
  });

  describe('describeError', () => {
    it("adds an Error's code when its message does not already say it", () => {
      const refused = Object.assign(new Error('connect failed'), { code: 'ECONNREFUSED' });
      assert.equal(describeError(refused), 'connect failed (ECONNREFUSED)');
      const said = Object.assign(new Error('connect ECONNREFUSED 127.0.0.1:9'), { code: 'ECONNREFUSED' });
      assert.equal(describeError(said), 'connect ECONNREFUSED 127.0.0.1:9');
    });
    it('a code that is not text (ours are, Node\'s are; a number is not) is left out', () => {
      assert.equal(describeError(Object.assign(new Error('m'), { code: 1006 })), 'm');
      assert.equal(describeError(new Error('plain')), 'plain');
    });
    it('anything else thrown is shown as text', () => {
      assert.equal(describeError('just text'), 'just text');
      assert.equal(describeError(42), '42');
      assert.equal(describeError(undefined), 'undefined');
    });
  });

  it("errorMessage: an Error's message, or the value as text", () => {
    assert.equal(errorMessage(new Error('m')), 'm');
    assert.equal(errorMessage(new AuthenticationError('a')), 'a');
    assert.equal(errorMessage('s'), 's');
    assert.equal(errorMessage(null), 'null');
  });
});
