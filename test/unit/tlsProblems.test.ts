// Certificate failures in words a person can act on: Node's verification
// codes, found anywhere in an error's cause chain, become a CertificateError
// naming the problem and the host and saying what to do.
import * as assert from 'node:assert/strict';
import type { PeerCertificate } from 'node:tls';
import { CertificateError } from '../../src/protocol/errors';
import { certificateError, certificateNames } from '../../src/protocol/tlsProblems';

function coded(code: unknown, extra: Record<string, unknown> = {}, cause?: unknown): Error {
  return Object.assign(new Error(`tls failure ${String(code)}`, { cause }), { code }, extra);
}

const TRUST_STEP = "If your network uses its own certificate authority, add it to this computer's trusted certificates (VS Code and this extension trust them), then try again.";

describe('tlsProblems', () => {
  describe('certificateError', () => {
    it('maps every verification code Node reports to what it means for the user', () => {
      const expected: Record<string, string> = {
        DEPTH_ZERO_SELF_SIGNED_CERT: 'self-signed',
        SELF_SIGNED_CERT_IN_CHAIN: 'untrusted',
        UNABLE_TO_VERIFY_LEAF_SIGNATURE: 'untrusted',
        UNABLE_TO_GET_ISSUER_CERT_LOCALLY: 'untrusted',
        UNABLE_TO_GET_ISSUER_CERT: 'untrusted',
        CERT_UNTRUSTED: 'untrusted',
        CERT_HAS_EXPIRED: 'expired',
        CERT_NOT_YET_VALID: 'not-yet-valid',
        ERR_TLS_CERT_ALTNAME_INVALID: 'wrong-host',
        HOSTNAME_MISMATCH: 'wrong-host',
        CERT_REVOKED: 'revoked',
        CERT_SIGNATURE_FAILURE: 'other',
        CERT_REJECTED: 'other',
        INVALID_CA: 'other',
        INVALID_PURPOSE: 'other',
      };
      for (const [code, problem] of Object.entries(expected)) {
        const e = certificateError(coded(code), 'instamrkt.com');
        assert.ok(e instanceof CertificateError, code);
        assert.equal(e.problem, problem, code);
        assert.equal(e.host, 'instamrkt.com');
        assert.equal(e.atProxy, false);
      }
    });

    it('is undefined for an error that is no certificate failure, whatever its shape', () => {
      for (const err of [new Error('ECONNREFUSED'), coded('ECONNREFUSED'), coded(42), coded('toString'), coded('__proto__'), coded({ toString: () => 'CERT_HAS_EXPIRED' }), 'CERT_HAS_EXPIRED', { code: 'CERT_HAS_EXPIRED' }, undefined, null]) {
        assert.equal(certificateError(err, 'h'), undefined, String(err));
      }
    });

    it('finds the code in the cause chain (fetch and ws wrap it), up to 8 errors deep, and keeps the outer error as the cause', () => {
      let err: unknown = coded('CERT_HAS_EXPIRED');
      for (let i = 0; i < 7; i++) err = new Error(`wrapper ${i}`, { cause: err });
      const found = certificateError(err, 'h');
      assert.equal(found?.problem, 'expired');
      assert.equal(found?.cause, err);
      assert.equal(certificateError(new Error('one more', { cause: err }), 'h'), undefined, 'a ninth level is not searched');
      // The first certificate code on the way down wins.
      assert.equal(certificateError(coded('CERT_REVOKED', {}, coded('CERT_HAS_EXPIRED')), 'h')?.problem, 'revoked');
      // A cause that is no Error ends the search.
      assert.equal(certificateError(new Error('x', { cause: { code: 'CERT_HAS_EXPIRED' } }), 'h'), undefined);
    });

    it('says what to do about each problem, naming the host', () => {
      const msg = (code: string, extra: Record<string, unknown> = {}, context = {}) => certificateError(coded(code, extra), 'instamrkt.com', context)?.message;
      assert.equal(msg('DEPTH_ZERO_SELF_SIGNED_CERT'), `The certificate of instamrkt.com is not trusted (self-signed). ${TRUST_STEP}`);
      assert.equal(msg('CERT_UNTRUSTED'), `The certificate of instamrkt.com is not trusted (it is not issued by a certificate authority this computer trusts). ${TRUST_STEP}`);
      assert.equal(msg('CERT_HAS_EXPIRED'), "The certificate of instamrkt.com expired. The server has to renew it; if that date is in the future, check this computer's clock.");
      assert.equal(
        msg('CERT_HAS_EXPIRED', {}, { expiredOn: new Date(Date.UTC(2024, 0, 2)) }),
        "The certificate of instamrkt.com expired on Tue, 02 Jan 2024 00:00:00 GMT. The server has to renew it; if that date is in the future, check this computer's clock.",
      );
      assert.equal(msg('CERT_NOT_YET_VALID'), "The certificate of instamrkt.com is not valid yet. Check this computer's clock.");
      assert.equal(msg('CERT_REVOKED'), 'The certificate of instamrkt.com has been revoked by its issuer.');
      assert.equal(msg('INVALID_CA'), 'The certificate of instamrkt.com was refused (INVALID_CA).');
      assert.equal(
        msg('ERR_TLS_CERT_ALTNAME_INVALID', { cert: { subjectaltname: 'DNS:a.example, DNS:b.example' } }),
        'The certificate of instamrkt.com is for a.example, b.example, not instamrkt.com. Check the server address in the settings.',
      );
      assert.equal(msg('HOSTNAME_MISMATCH'), 'The certificate of instamrkt.com is for another host, not instamrkt.com. Check the server address in the settings.');
    });

    it("at a proxy, names the proxy and offers http.proxyStrictSSL besides trusting its authority", () => {
      const e = certificateError(coded('SELF_SIGNED_CERT_IN_CHAIN'), 'proxy.corp', { atProxy: true });
      assert.equal(e?.atProxy, true);
      assert.equal(
        e?.message,
        `The certificate of the proxy proxy.corp is not trusted (it is not issued by a certificate authority this computer trusts). ${TRUST_STEP} Or turn off http.proxyStrictSSL to stop checking the proxy's certificate (the server's is still checked).`,
      );
      assert.equal(certificateError(coded('CERT_REVOKED'), 'proxy.corp', { atProxy: true })?.message, 'The certificate of the proxy proxy.corp has been revoked by its issuer.');
    });
  });

  describe('certificateNames', () => {
    const cert = (c: Partial<PeerCertificate>) => c as PeerCertificate;
    it('the DNS and IP alternative names, without their prefixes', () => {
      assert.deepEqual(certificateNames(cert({ subjectaltname: 'DNS:localhost, IP Address:127.0.0.1,DNS:x.example', subject: { CN: 'ignored' } as PeerCertificate['subject'] })), [
        'localhost',
        '127.0.0.1',
        'x.example',
      ]);
    });
    it('strips a DNS: or IP Address: prefix only at the start of a name', () => {
      assert.deepEqual(certificateNames(cert({ subjectaltname: 'URI:spiffe://DNS:x, DNS:a.example' })), ['URI:spiffe://DNS:x', 'a.example']);
    });
    it('else the common name, else nothing', () => {
      assert.deepEqual(certificateNames(cert({ subject: { CN: 'cn.example' } as PeerCertificate['subject'] })), ['cn.example']);
      assert.deepEqual(certificateNames(cert({ subject: {} as PeerCertificate['subject'] })), []);
      assert.deepEqual(certificateNames(cert({})), []);
      assert.deepEqual(certificateNames(undefined), []);
    });
  });
});
