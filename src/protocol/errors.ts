// Every failure the protocol layer reports, each with a stable `code` and a
// message fit to show a user. None of them ever carries a secret.

export type ErrorCode =
  | 'protocol'
  | 'server'
  | 'connection-lost'
  | 'connection-failed'
  | 'timeout'
  | 'authentication'
  | 'insecure-url'
  | 'not-connected'
  | 'disposed'
  | 'invalid-argument'
  | 'certificate'
  | 'proxy-authentication'
  | 'proxy';

export abstract class InstamrktError extends Error {
  abstract readonly code: ErrorCode;
  constructor(message: string, options?: { cause?: unknown }) {
    super(message, options);
    this.name = new.target.name;
  }
}

/**
 * A frame that is not what the protocol promises (not JSON, wrong types, binary, ...).
 * `res` is set when the frame carried a known response code but its fields were
 * wrong, so the client can fail the request that was waiting for that reply.
 */
export class ProtocolError extends InstamrktError {
  readonly code = 'protocol';
  readonly res: number | undefined;
  constructor(message: string, options?: { cause?: unknown; res?: number }) {
    super(message, options);
    this.res = options?.res;
  }
}

/** A `res` 666 from the server; `text` is the server's own explanation. */
export class ServerError extends InstamrktError {
  readonly code = 'server';
  constructor(readonly text: string) {
    super(text || 'The server refused the request without saying why.');
  }
}

/**
 * The connection dropped. For a request in flight (the default) it may or may
 * not have been carried out, and the message says so; as the state of a
 * connection that nothing was waiting on (`{ inFlight: false }`) there is no
 * outcome to speak of.
 */
export class ConnectionLostError extends InstamrktError {
  readonly code = 'connection-lost';
  constructor(detail?: string, { inFlight = true }: { inFlight?: boolean } = {}) {
    super(`Connection lost${inFlight ? ' — outcome unknown' : ''}${detail ? ` (${detail})` : ''}.`);
  }
}

/** A connection (or a sign-in call) could not be made: refused, unreachable, HTTP error, timed out. */
export class ConnectionFailedError extends InstamrktError {
  readonly code = 'connection-failed';
  constructor(message: string, readonly status?: number, options?: { cause?: unknown }) {
    super(message, options);
  }
}

/** No reply in time. The connection it was sent on is closed, since a late reply could no longer be matched. */
export class RequestTimeoutError extends InstamrktError {
  readonly code = 'timeout';
  constructor(readonly opName: string, readonly timeoutMs: number) {
    super(`No reply to ${opName} within ${formatDuration(timeoutMs)} — outcome unknown.`);
  }
}

/** A duration as a person reads it: "400 ms" below a second, else seconds with at most one decimal ("1.5 s", "30 s"). */
export function formatDuration(ms: number): string {
  if (Math.round(ms) < 1000) return `${Math.round(ms)} ms`;
  return `${Math.round(ms / 100) / 10} s`;
}

/** Wrong credentials, a refused handshake, or a failed logon. */
export class AuthenticationError extends InstamrktError {
  readonly code = 'authentication';
}

/** A plain ws:// or http:// URL to a host other than loopback. */
export class InsecureUrlError extends InstamrktError {
  readonly code = 'insecure-url';
}

export class NotConnectedError extends InstamrktError {
  readonly code = 'not-connected';
  constructor() {
    super('Not connected to the Instamrkt server.');
  }
}

export class DisposedError extends InstamrktError {
  readonly code = 'disposed';
  constructor() {
    super('The Instamrkt client has been shut down.');
  }
}

/** A caller's mistake (bad argument): thrown at once, never sent. */
export class InvalidArgumentError extends InstamrktError {
  readonly code = 'invalid-argument';
}

/** What is wrong with a server's certificate, from Node's TLS error codes (tlsProblems.ts). */
export type CertificateProblem = 'self-signed' | 'untrusted' | 'expired' | 'not-yet-valid' | 'wrong-host' | 'revoked' | 'other';

/**
 * The server's TLS certificate was refused: not trusted, expired, for another
 * host, ... Retrying cannot help (the backoff stops); the message names the
 * problem and the host, and says what to do.
 */
export class CertificateError extends InstamrktError {
  readonly code = 'certificate';
  constructor(
    message: string,
    readonly problem: CertificateProblem,
    /** The host whose certificate was refused. */
    readonly host: string,
    /** It is an https:// proxy's certificate (http.proxyStrictSSL), not the server's. */
    readonly atProxy: boolean,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** The proxy answered 407: it wants credentials (http.proxy's user:password, or http.proxyAuthorization). Not retried. */
export class ProxyAuthenticationError extends InstamrktError {
  readonly code = 'proxy-authentication';
  constructor(
    message: string,
    /** The proxy, without credentials (http://host:port), when known (VS Code may have used a system proxy). */
    readonly proxy: string | undefined,
  ) {
    super(message);
  }
}

/**
 * A proxy setting or variable that cannot be used (`source` names it:
 * http.proxy, HTTPS_PROXY, ...), or a proxy that refused the tunnel. Not retried.
 */
export class ProxyError extends InstamrktError {
  readonly code = 'proxy';
  constructor(
    message: string,
    readonly source: string,
  ) {
    super(message);
  }
}

/** An error's message with its `code` (ws and Node set one, e.g. ECONNREFUSED) when the message does not already say it. */
export function describeError(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

/** The text of anything thrown: an Error's message, or the value itself as a string. */
export function errorMessage(err: unknown): string {
  return err instanceof Error ? err.message : String(err);
}

/** Errors after which retrying on a timer cannot help: the user has to act (sign in, trust or fix a certificate, fix a proxy setting). */
const PERMANENT = [AuthenticationError, InvalidArgumentError, DisposedError, CertificateError, ProxyAuthenticationError, ProxyError];
export function isPermanent(error: Error | undefined): boolean {
  return PERMANENT.some((kind) => error instanceof kind);
}
