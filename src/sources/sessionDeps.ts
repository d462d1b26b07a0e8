// What a Session is built from: the endpoints it talks to, its logger, and
// the storage, REST and client it is given (interfaces, so tests can hand in
// real ones over real sockets and the extension its VS Code adapters).
import { RestClient, type ClientOptions, type InstamrktClient, type NetworkOptions } from '../protocol';
import type { AccountManager, AccountStore, RestApi } from './account';
import type { ConnectionManager } from './connection';
import type { Intent, IntentKind } from './lifecycle';
import type { StatusFeed } from './statusFeed';

export interface Endpoints {
  serverUrl: string;
  restUrl: string;
  requestTimeoutMs: number;
  keepAliveMs: number;
}

export interface SessionLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
}

/** A password sign-in to run as part of switching endpoints (the local emulator's demo account). */
export interface PasswordSignIn {
  username: string;
  password: string;
}

export interface SessionDeps {
  store: AccountStore;
  endpoints: () => Endpoints;
  /** Default: the protocol's RestClient, loaded on first sign-in. */
  rest?: (restUrl: string) => RestApi;
  /** Default: the protocol's InstamrktClient, loaded on first connect. */
  client?: (options: ClientOptions) => InstamrktClient;
  logger: SessionLogger;
  /** Called with every secret value the session learns, so the log redactor can blank it. */
  onSecret?: (value: string) => void;
  now?: () => number;
  /** The client's automatic reconnection (tests make it quick); default: the client's backoff. */
  reconnect?: ClientOptions['reconnect'];
  /** Proxy settings and trusted CAs for the default REST and WebSocket clients, read at each sign-in and connection attempt. */
  network?: () => NetworkOptions;
}

/** The REST client sign-in uses: the one given (tests), else the protocol's RestClient. */
export function restFactory(deps: SessionDeps): (restUrl: string) => Promise<RestApi> {
  const given = deps.rest;
  if (given) return (restUrl) => Promise.resolve(given(restUrl));
  // A bad URL rejects (as the network would), rather than throwing at the caller.
  return (restUrl) => new Promise((resolve) => resolve(new RestClient(restUrl, { network: deps.network?.() })));
}

/**
 * The parts of a running Session that its procedures (signIn.ts, follow.ts)
 * work with. Only Session makes one.
 */
export interface SessionParts {
  readonly accounts: AccountManager;
  readonly link: ConnectionManager;
  readonly feed: StatusFeed;
  readonly logger: SessionLogger;
  endpoints(): Endpoints;
  /** The latest intent. */
  latest(): Intent;
  /** Begins an intent (a sign-in still being checked is dropped with its connection). */
  begin(kind: IntentKind): Intent;
  /** Connects with the current account and shows "connecting" at once; rejects with the outcome, or with SupersededError. */
  connect(intent: Intent): Promise<void>;
  /** Reads the store if nothing is known yet (a sign-in right after a switch of server), then publishes. */
  showTruth(intent: Intent): Promise<void>;
  /** Fires onDidSignOut. */
  signedOut(): void;
  /** Fires onDidResetAccount. */
  resetAccount(): void;
}
