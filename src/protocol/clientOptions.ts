// What a client of the Instamrkt WebSocket is given and what it publishes:
// the options with their defaults and checks, the connection state and its
// change event, credentials and the logger.
import { backoffProblem, BackoffOptions, DEFAULT_BACKOFF } from './backoff';
import { checkWebSocketUrl } from './handshake';
import { InvalidArgumentError } from './errors';
import type { NetworkOptions } from './network';

export type ConnectionState = 'disconnected' | 'connecting' | 'connected';

export interface StateChangeEvent {
  state: ConnectionState;
  previous: ConnectionState;
  /** Why the connection was lost or could not be made, when it was. */
  error?: Error;
  /** Set on the change to 'connected' that follows a lost connection: lists should be re-read. */
  reconnected?: boolean;
  /** When the next automatic attempt is due (epoch ms), if one is scheduled. */
  nextRetryAt?: number;
}

export interface Credentials {
  userId: string;
  sessionKey: string;
}

/** Where a part writes its log lines (the extension's log channel, a test's array). */
export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export interface ClientOptions {
  /** wss://host:port, or ws:// to a loopback host. */
  serverUrl: string;
  /** Asked on every (re)connect; undefined means "no credentials" (an AuthenticationError). */
  credentials: () => Promise<Credentials | undefined>;
  requestTimeoutMs?: number;
  /** Interval between keep-alive pings; 0 turns them off. */
  keepAliveMs?: number;
  /** Largest frame accepted from the server, in bytes; larger ones close the socket (1009). */
  maxPayload?: number;
  /** Automatic reconnection after a lost connection or failed attempt; false turns it off. */
  reconnect?: Partial<BackoffOptions> | false;
  /** Ask the server for its code table after logon (falls back to the documented codes). */
  fetchOpcodes?: boolean;
  logger?: Logger;
  /** Proxy settings and trusted CAs, asked on every (re)connect so a changed setting applies; default: none, the process environment. */
  network?: () => NetworkOptions;
  /** Source of randomness for the backoff jitter (tests). */
  random?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEP_ALIVE_MS = 30_000;
/** 16 MiB: a 621 reply listing 10,000 sources with long descriptions still fits. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

export type ResolvedOptions = Required<Omit<ClientOptions, 'logger' | 'reconnect'>> & { reconnect: BackoffOptions | false; logger: Logger | undefined };

/**
 * The caller's options over the defaults, checked. Throws InsecureUrlError for
 * ws:// to a host other than loopback, and InvalidArgumentError for bad options.
 */
export function resolveOptions(options: ClientOptions): ResolvedOptions {
  // `ws` refuses URLs with a fragment when connecting; say so now rather than retry forever.
  if (checkWebSocketUrl(options.serverUrl).hash !== '') throw new InvalidArgumentError('The server URL must not contain a # fragment.');
  if (typeof options.credentials !== 'function') throw new InvalidArgumentError('credentials must be a function.');
  const reconnect: BackoffOptions | false = options.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...options.reconnect };
  const resolved: ResolvedOptions = {
    requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
    keepAliveMs: DEFAULT_KEEP_ALIVE_MS,
    maxPayload: DEFAULT_MAX_PAYLOAD,
    fetchOpcodes: true,
    random: Math.random,
    network: () => ({}),
    ...stripUndefined(options),
    serverUrl: options.serverUrl,
    credentials: options.credentials,
    reconnect,
  } as ResolvedOptions; // `logger` comes with the caller's options, or stays undefined
  const { requestTimeoutMs, keepAliveMs, maxPayload } = resolved;
  if (!(Number.isFinite(requestTimeoutMs) && requestTimeoutMs > 0)) throw new InvalidArgumentError('requestTimeoutMs must be a positive number.');
  if (!(Number.isFinite(keepAliveMs) && keepAliveMs >= 0)) throw new InvalidArgumentError('keepAliveMs must be 0 (off) or a positive number.');
  if (!(Number.isSafeInteger(maxPayload) && maxPayload > 0)) throw new InvalidArgumentError('maxPayload must be a positive integer.');
  if (reconnect) {
    const problem = backoffProblem(reconnect);
    if (problem) throw new InvalidArgumentError(problem);
  }
  return resolved;
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value) as [keyof T, T[keyof T]][]) if (v !== undefined) out[key] = v;
  return out;
}
