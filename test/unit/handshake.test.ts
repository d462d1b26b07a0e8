// Handshake of PROTOCOL.md §3: digest known answer, nonce, URL, and the loopback-only rule for plain URLs.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildHandshakeUrl, checkRestUrl, checkWebSocketUrl, handshakeDigest, isLoopbackHost, makeNonce, redactHandshakeUrl } from '../../src/protocol/handshake';
import { InsecureUrlError, InvalidArgumentError } from '../../src/protocol/errors';

// SHA-256("421700000000000s3cret"), computed once with node:crypto and checked against `sha256sum`.
const KNOWN_DIGEST = '819fc49ce608bc07b7243dd3f9c241f5ea815b696a1867a9f65642d5adac29b6';

describe('handshake', () => {
  describe('handshakeDigest', () => {
    it('matches the example of PROTOCOL §3 (id 42, nonce 1700000000000, key s3cret)', () => {
      assert.equal(handshakeDigest('42', '1700000000000', 's3cret'), KNOWN_DIGEST);
    });

    it('is the SHA-256 of id, nonce and key concatenated with no separator', () => {
      const independent = createHash('sha256').update('421700000000000s3cret').digest('hex');
      assert.equal(independent, KNOWN_DIGEST);
      assert.equal(handshakeDigest('1001', 'abc', 'key-ü'), createHash('sha256').update('1001abckey-ü', 'utf8').digest('hex'));
    });

    it('is lowercase hex of 64 characters', () => {
      assert.match(handshakeDigest('1', '2', '3'), /^[0-9a-f]{64}$/);
    });
  });

  describe('makeNonce', () => {
    it('starts with the epoch milliseconds and differs between two calls in the same millisecond', () => {
      const a = makeNonce(1700000000000);
      const b = makeNonce(1700000000000);
      assert.ok(a.startsWith('1700000000000'));
      assert.notEqual(a, b);
    });

    it('is the milliseconds followed by 12 hex digits of randomness, and takes the clock when given no time', () => {
      assert.match(makeNonce(1700000000000), /^1700000000000[0-9a-f]{12}$/);
      const before = Date.now();
      const n = makeNonce();
      const ms = Number(n.slice(0, -12));
      assert.ok(ms >= before && ms <= Date.now(), n);
    });
  });

  describe('buildHandshakeUrl', () => {
    it('sets id, n and h and never puts the session key in the URL', () => {
      const url = buildHandshakeUrl('wss://instamrkt.com:9999', '42', 's3cret', '1700000000000');
      assert.equal(url.searchParams.get('id'), '42');
      assert.equal(url.searchParams.get('n'), '1700000000000');
      assert.equal(url.searchParams.get('h'), KNOWN_DIGEST);
      assert.ok(!url.toString().includes('s3cret'));
      assert.equal(url.host, 'instamrkt.com:9999');
    });

    it('makes a fresh nonce when given none, and signs that nonce', () => {
      const url = buildHandshakeUrl('ws://127.0.0.1:9', '42', 's3cret');
      const n = url.searchParams.get('n') ?? '';
      assert.match(n, /^\d{13}[0-9a-f]{12}$/);
      assert.equal(url.searchParams.get('h'), handshakeDigest('42', n, 's3cret'));
    });

    it('keeps other query parameters of the server URL', () => {
      const url = buildHandshakeUrl('ws://127.0.0.1:9/?lang=en', '1', 'k', 'n');
      assert.equal(url.searchParams.get('lang'), 'en');
    });

    it('refuses ws:// to a host that is not loopback with InsecureUrlError', () => {
      assert.throws(() => buildHandshakeUrl('ws://example.com:9999', '1', 'k'), InsecureUrlError);
    });
  });

  describe('redactHandshakeUrl', () => {
    it('hides the digest and keeps the rest', () => {
      const url = buildHandshakeUrl('ws://127.0.0.1:1234', '42', 's3cret', '1700000000000');
      const shown = redactHandshakeUrl(url);
      assert.ok(!shown.includes(KNOWN_DIGEST));
      assert.ok(shown.includes('id=42'));
      assert.ok(shown.startsWith('ws://127.0.0.1:1234'));
      assert.equal(new URL(shown).searchParams.get('h'), '…');
      assert.equal(new URL(shown).searchParams.get('n'), '1700000000000');
    });

    it('leaves a URL without a digest as it is, whether given as a URL or as text', () => {
      assert.equal(redactHandshakeUrl('ws://127.0.0.1:1234/?id=42'), 'ws://127.0.0.1:1234/?id=42');
      assert.equal(redactHandshakeUrl(new URL('ws://127.0.0.1:1234/')), 'ws://127.0.0.1:1234/');
    });
  });

  describe('URL checks', () => {
    it('knows the loopback hosts', () => {
      for (const host of ['localhost', '127.0.0.1', '127.1.2.3', '[::1]', '::1', 'app.localhost']) assert.ok(isLoopbackHost(host), host);
      for (const host of ['example.com', '10.0.0.1', '128.0.0.1', 'localhost.example.com', '0.0.0.0']) assert.ok(!isLoopbackHost(host), host);
    });

    it('reads a loopback host in any case, with or without brackets, and the long form of ::1', () => {
      for (const host of ['LOCALHOST', 'App.LocalHost', '0:0:0:0:0:0:0:1', '[0:0:0:0:0:0:0:1]', '127.255.255.255']) assert.ok(isLoopbackHost(host), host);
    });

    it('matches the whole host, not a part of it: no prefix or suffix turns another host into loopback, and only brackets around the whole host are taken off', () => {
      for (const host of ['x127.0.0.1', '127.0.0.1.example.com', '127.0.0.1x', '127.0.0', '127.0.0.1234', '127.a.0.1', '[::1]x', 'x[::1]', '::11', 'mylocalhost', 'localhostx', '.localhostx', 'local[host', 'local]host', '127.0.[0.1', '127.0.]0.1']) {
        assert.ok(!isLoopbackHost(host), host);
      }
    });

    it('says which URL is not valid and which scheme it must use', () => {
      assert.throws(() => checkWebSocketUrl('not a url'), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'The server URL "not a url" is not a valid URL.');
      assert.throws(() => checkRestUrl('::'), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'The sign-in URL "::" is not a valid URL.');
      assert.throws(
        () => checkWebSocketUrl('https://instamrkt.com'),
        (e: unknown) => e instanceof InvalidArgumentError && e.message === 'The server URL must start with wss:// (or ws:// for this machine), not https://.',
      );
      assert.throws(
        () => checkRestUrl('ws://127.0.0.1'),
        (e: unknown) => e instanceof InvalidArgumentError && e.message === 'The sign-in URL must start with https:// (or http:// for this machine), not ws://.',
      );
      assert.throws(
        () => checkWebSocketUrl('ws://example.com:9999'),
        (e: unknown) => e instanceof InsecureUrlError && e.message === 'Refusing unencrypted ws:// to example.com: use wss:// for any host that is not this machine.',
      );
      assert.throws(() => checkRestUrl('http://example.com'), (e: unknown) => e instanceof InsecureUrlError && /http:\/\/ to example\.com: use https:\/\//.test(e.message));
    });

    it('accepts wss:// anywhere and ws:// only to loopback', () => {
      assert.equal(checkWebSocketUrl('wss://instamrkt.com:9999').hostname, 'instamrkt.com');
      assert.equal(checkWebSocketUrl('ws://127.0.0.1:9999').hostname, '127.0.0.1');
      assert.throws(() => checkWebSocketUrl('ws://example.com'), InsecureUrlError);
      assert.throws(() => checkWebSocketUrl('http://127.0.0.1'), InvalidArgumentError);
      assert.throws(() => checkWebSocketUrl('not a url'), InvalidArgumentError);
    });

    it('accepts https:// anywhere and http:// only to loopback', () => {
      assert.equal(checkRestUrl('https://instamrkt.com').hostname, 'instamrkt.com');
      assert.equal(checkRestUrl('http://localhost:8080').hostname, 'localhost');
      assert.throws(() => checkRestUrl('http://instamrkt.com'), InsecureUrlError);
      assert.throws(() => checkRestUrl('ftp://127.0.0.1'), InvalidArgumentError);
    });
  });
});
