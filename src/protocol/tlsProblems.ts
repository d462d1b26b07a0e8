// What TLS says about a connection, in words a person can act on: Node's
// certificate error codes, found anywhere in an error's `cause` chain (fetch,
// ws and agents wrap them), become a CertificateError naming the problem and
// the host and saying what to do; and a TLS connection that did open is
// described (protocol, issuer, validity, trusted?) for logs and diagnostics.
import type { DetailedPeerCertificate, PeerCertificate, TLSSocket } from 'node:tls';
import { CertificateError, type CertificateProblem } from './errors';

/** Node's (OpenSSL's) verification codes, by what they mean to the user. */
const PROBLEMS: Readonly<Record<string, CertificateProblem>> = {
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

const TRUST_STEP =
  "If your network uses its own certificate authority, add it to this computer's trusted certificates (VS Code and this extension trust them), then try again.";

type CodedError = Error & { code?: unknown; cert?: PeerCertificate };

/** The first error in the `cause` chain (depth-limited) whose code is a certificate verification code. */
function findCertificateFailure(err: unknown): CodedError | undefined {
  let current: unknown = err;
  for (let depth = 0; current instanceof Error && depth < 8; depth++) {
    const code = (current as CodedError).code;
    if (typeof code === 'string' && Object.hasOwn(PROBLEMS, code)) return current;
    current = current.cause;
  }
  return undefined;
}

/** The names a certificate is for (its DNS and IP subject alternative names, else its common name). */
export function certificateNames(cert: PeerCertificate | undefined): string[] {
  const alt = cert?.subjectaltname?.split(/,\s*/).map((n) => n.replace(/^(DNS|IP Address):/, '')) ?? [];
  const cn = cert?.subject?.CN;
  return alt.length > 0 ? alt : cn ? [String(cn)] : [];
}

export interface CertificateContext {
  /** The certificate's end date, when the caller could read it. */
  expiredOn?: Date;
  /** The certificate is an https:// proxy's (http.proxyStrictSSL checks it), not the server's. */
  atProxy?: boolean;
}

/**
 * A CertificateError when `err` (or an error it wraps) is a certificate
 * verification failure for `host`; otherwise undefined.
 */
export function certificateError(err: unknown, host: string, context: CertificateContext = {}): CertificateError | undefined {
  const failure = findCertificateFailure(err);
  if (!failure) return undefined;
  const code = String(failure.code);
  const problem = PROBLEMS[code];
  const { expiredOn, atProxy } = context;
  const of = `The certificate of ${atProxy ? 'the proxy ' : ''}${host}`;
  const trust = atProxy ? `${TRUST_STEP} Or turn off http.proxyStrictSSL to stop checking the proxy's certificate (the server's is still checked).` : TRUST_STEP;
  let message: string;
  switch (problem) {
    case 'self-signed':
      message = `${of} is not trusted (self-signed). ${trust}`;
      break;
    case 'untrusted':
      message = `${of} is not trusted (it is not issued by a certificate authority this computer trusts). ${trust}`;
      break;
    case 'expired':
      message = `${of} expired${expiredOn ? ` on ${expiredOn.toUTCString()}` : ''}. The server has to renew it; if that date is in the future, check this computer's clock.`;
      break;
    case 'not-yet-valid':
      message = `${of} is not valid yet. Check this computer's clock.`;
      break;
    case 'wrong-host': {
      const names = certificateNames(failure.cert);
      message = `${of} is for ${names.length > 0 ? names.join(', ') : 'another host'}, not ${host}. Check the server address in the settings.`;
      break;
    }
    case 'revoked':
      message = `${of} has been revoked by its issuer.`;
      break;
    default:
      message = `${of} was refused (${code}).`;
  }
  return new CertificateError(message, problem, host, !!atProxy, { cause: err });
}

/** What a TLS connection that opened shows: enough for a log line or a diagnostic step. */
export interface TlsDetails {
  /** e.g. TLSv1.3 */
  readonly protocol: string | null;
  /** The certificate's subject common name. */
  readonly subject: string | undefined;
  /** The issuer's common name (or organization). */
  readonly issuer: string | undefined;
  /** The names it is for. */
  readonly names: readonly string[];
  readonly validFrom: Date | undefined;
  readonly validTo: Date | undefined;
  /** Whether the certificate was verified against the trusted CAs and the host name. */
  readonly authorized: boolean;
  /** Why not, as Node's code (e.g. CERT_HAS_EXPIRED), when not authorized. */
  readonly authorizationError: string | undefined;
}

function date(text: string | undefined): Date | undefined {
  const d = text ? new Date(text) : undefined;
  return d && !Number.isNaN(d.getTime()) ? d : undefined;
}

/** Describes an open TLS socket (read its details before it closes). */
export function tlsDetails(socket: TLSSocket): TlsDetails {
  const cert: Partial<DetailedPeerCertificate> = socket.getPeerCertificate() ?? {};
  const issuer = cert.issuer?.CN ?? cert.issuer?.O;
  const error = socket.authorizationError as unknown;
  return {
    protocol: socket.getProtocol(),
    subject: cert.subject?.CN === undefined ? undefined : String(cert.subject.CN),
    issuer: issuer === undefined ? undefined : String(issuer),
    names: certificateNames(cert as PeerCertificate),
    validFrom: date(cert.valid_from),
    validTo: date(cert.valid_to),
    authorized: socket.authorized,
    authorizationError: error === undefined || error === null ? undefined : error instanceof Error ? String((error as CodedError).code ?? error.message) : String(error),
  };
}
