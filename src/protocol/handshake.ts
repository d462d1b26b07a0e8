// The WebSocket handshake of PROTOCOL.md §3 (nonce + SHA-256 digest in the
// URL), and the rule that plain ws:// and http:// are only for loopback hosts.
import { createHash, randomBytes } from 'node:crypto';
import { InsecureUrlError, InvalidArgumentError } from './errors';

/** Lowercase hex SHA-256 of user id, nonce and session key, concatenated in that order. */
export function handshakeDigest(userId: string, nonce: string, sessionKey: string): string {
  return createHash('sha256')
    // Stryker disable next-line StringLiteral: an empty input encoding is Node's default for text, utf8, so each '' gives the same digest.
    .update(userId, 'utf8').update(nonce, 'utf8').update(sessionKey, 'utf8')
    .digest('hex');
}

/** A fresh nonce: epoch milliseconds (as the reference does) plus random bits so two in one ms differ. */
export function makeNonce(now: number = Date.now()): string {
  return `${now}${randomBytes(6).toString('hex')}`;
}

/** True for 127.0.0.0/8, ::1 and `localhost`. */
export function isLoopbackHost(hostname: string): boolean {
  const host = hostname.replace(/^\[|\]$/g, '').toLowerCase();
  if (host === 'localhost' || host.endsWith('.localhost')) return true;
  if (host === '::1' || host === '0:0:0:0:0:0:0:1') return true;
  return /^127\.\d{1,3}\.\d{1,3}\.\d{1,3}$/.test(host);
}

function parseUrl(raw: string, what: string): URL {
  try {
    return new URL(raw);
  } catch {
    throw new InvalidArgumentError(`The ${what} "${raw}" is not a valid URL.`);
  }
}

/** One scheme rule for both halves of the API: the TLS scheme anywhere, the plain one only to loopback. */
function checkSchemes(raw: string, what: string, secure: 'wss:' | 'https:', plain: 'ws:' | 'http:'): URL {
  const url = parseUrl(raw, what);
  if (url.protocol === secure) return url;
  if (url.protocol === plain) {
    if (isLoopbackHost(url.hostname)) return url;
    throw new InsecureUrlError(`Refusing unencrypted ${plain}// to ${url.hostname}: use ${secure}// for any host that is not this machine.`);
  }
  throw new InvalidArgumentError(`The ${what} must start with ${secure}// (or ${plain}// for this machine), not ${url.protocol}//.`);
}

/** Checks a WebSocket server URL: wss:// anywhere, ws:// only to loopback. Returns the parsed URL. */
export function checkWebSocketUrl(raw: string): URL {
  return checkSchemes(raw, 'server URL', 'wss:', 'ws:');
}

/** Checks a REST base URL: https:// anywhere, http:// only to loopback. */
export function checkRestUrl(raw: string): URL {
  return checkSchemes(raw, 'sign-in URL', 'https:', 'http:');
}

/**
 * The URL to open: the server URL with `id`, `n` and `h` set. The session key
 * itself never appears in it. Other query parameters of the server URL are kept.
 */
export function buildHandshakeUrl(serverUrl: string, userId: string, sessionKey: string, nonce: string = makeNonce()): URL {
  const url = checkWebSocketUrl(serverUrl);
  url.searchParams.set('id', userId);
  url.searchParams.set('n', nonce);
  url.searchParams.set('h', handshakeDigest(userId, nonce, sessionKey));
  return url;
}

/** The URL with the digest hidden, for logs. */
export function redactHandshakeUrl(url: URL | string): string {
  const copy = new URL(url.toString());
  if (copy.searchParams.has('h')) copy.searchParams.set('h', '…');
  return copy.toString();
}
