// The log redactor: nothing that signs a user in survives it.
import * as assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { buildHandshakeUrl } from '../../src/protocol/handshake';
import { Redactor } from '../../src/host/redact';

describe('Redactor', () => {
  it('blanks registered secrets wherever they appear', () => {
    const r = new Redactor();
    r.addSecret('hunter2-password');
    r.addSecret('key-abc-123');
    const out = r.redact('login with hunter2-password gave key-abc-123; again key-abc-123');
    assert.ok(!out.includes('hunter2-password'));
    assert.ok(!out.includes('key-abc-123'));
    assert.equal(out.split('«redacted»').length - 1, 3);
  });

  it('blanks secret-shaped JSON fields even when not registered', () => {
    const r = new Redactor();
    const frame = JSON.stringify({ res: 100, session_key: 'abc', user_session_key: 'def', password: 'ghi', other: 'keep' });
    const out = r.redact(frame);
    for (const s of ['"abc"', '"def"', '"ghi"']) assert.ok(!out.includes(s), `${s} must not survive`);
    assert.ok(out.includes('"keep"'));
  });

  it('blanks the digest in a handshake URL and any 64-hex digest', () => {
    const r = new Redactor();
    const url = buildHandshakeUrl('ws://127.0.0.1:9999', '42', 'k3y-value', '1700000000000').toString();
    const digest = createHash('sha256').update('421700000000000k3y-value').digest('hex');
    assert.ok(url.includes(digest));
    const out = r.redact(`connecting to ${url}`);
    assert.ok(!out.includes(digest));
    assert.ok(out.includes('id=42'), 'the non-secret parts stay readable');
    assert.ok(!r.redact(`digest ${digest}`).includes(digest));
  });

  it('blanks session cookies', () => {
    const out = new Redactor().redact('Set-Cookie: user_session_key=zzz-secret; Path=/');
    assert.ok(!out.includes('zzz-secret'));
  });

  it('blanks a proxy\'s credentials: the user:password of a URL and a Proxy-Authorization value', () => {
    const r = new Redactor();
    const out = r.redact('http.proxy is now "http://alice:s3cret@proxy.corp:3128"; socks5://bob:pw9@p:1080');
    assert.ok(!out.includes('alice:s3cret') && !out.includes('bob:pw9'), out);
    assert.ok(out.includes('proxy.corp:3128') && out.includes('http://«redacted»@'), 'the proxy itself stays readable');
    for (const line of ['Proxy-Authorization: Basic YWxpY2U6czNjcmV0', '{"proxyAuthorization":"Basic YWxpY2U6czNjcmV0"}']) {
      assert.ok(!r.redact(line).includes('YWxpY2U6czNjcmV0'), line);
    }
    assert.equal(r.redact('see https://instamrkt.com/docs'), 'see https://instamrkt.com/docs', 'a URL without credentials is kept');
  });

  it('ignores secrets too short to match safely but still applies the patterns', () => {
    const r = new Redactor();
    r.addSecret('ab');
    assert.equal(r.redact('about abba'), 'about abba');
  });

  it('forgets a secret on request', () => {
    const r = new Redactor();
    r.addSecret('temporary-secret');
    r.forgetSecret('temporary-secret');
    assert.equal(r.redact('temporary-secret'), 'temporary-secret');
  });
});
