// The signed-in connection: which server, which account, one InstamrktClient,
// sign-in / sign-out / renewal, and the one ConnectionStatus value the UI
// shows. Plain TypeScript: storage, REST and the client come in as interfaces.
import type { ClientOptions, InstamrktClient, StateChangeEvent } from '../protocol/client';
import { AuthenticationError, errorMessage } from '../protocol/errors';
import { Emitter, type Event } from '../protocol/events';
import { checkRestUrl, checkWebSocketUrl } from '../protocol/handshake';
import type { ServerMessage } from '../protocol/messages';
import type { LoginResult } from '../protocol/rest';
import type { ConnectionStatus, SessionSnapshot } from './status';

/** What SecretStorage holds for one server. */
export interface Account {
  userId: string;
  username?: string;
  /** Present only after a password sign-in; used to renew an expired session key. */
  password?: string;
  sessionKey: string;
  issuedAt: number;
}

export interface AccountStore {
  get(serverUrl: string): Promise<Account | undefined>;
  set(serverUrl: string, account: Account): Promise<void>;
  delete(serverUrl: string): Promise<void>;
}

export interface Endpoints {
  serverUrl: string;
  restUrl: string;
  requestTimeoutMs: number;
  keepAliveMs: number;
}

export interface RestApi {
  login(username: string, password: string): Promise<LoginResult>;
  logout(sessionKey: string): Promise<void>;
}

export interface SessionLogger {
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
  debug(message: string): void;
  trace(message: string): void;
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
}

export const SESSION_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

/** Signed in, not connected, nothing scheduled. */
const IDLE: ConnectionStatus = { kind: 'disconnected', nextRetryAt: undefined, error: undefined };

// The network stack (ws, http, https, tls, zlib) is loaded on first use, not at
// activation: nothing needs it before the first connect or sign-in.
async function defaultClientFactory(): Promise<(options: ClientOptions) => InstamrktClient> {
  const { InstamrktClient } = await import('../protocol/client.js');
  return (options) => new InstamrktClient(options);
}

async function defaultRest(restUrl: string): Promise<RestApi> {
  const { RestClient } = await import('../protocol/rest.js');
  return new RestClient(restUrl);
}

export class Session {
  #account: Account | undefined;
  #client: InstamrktClient | undefined;
  #clientSubscriptions: { dispose(): void }[] = [];
  #status: ConnectionStatus = { kind: 'signedOut' };
  #lastError: string | undefined;
  #override: Endpoints | undefined;
  /** Tags each connection so a late result of an abandoned one is ignored. */
  #generation = 0;
  /** True while connect() awaits the client, which then handles an authentication failure itself. */
  #inConnectCall = false;
  readonly #now: () => number;

  readonly #changed = new Emitter<SessionSnapshot>();
  readonly #connected = new Emitter<InstamrktClient>();
  readonly #lost = new Emitter<void>();
  readonly #signedOut = new Emitter<void>();
  readonly #reset = new Emitter<void>();
  readonly #events = new Emitter<ServerMessage>();
  readonly onDidChange: Event<SessionSnapshot> = this.#changed.event;
  /** Every time a connection is (re)established: lists should be (re)read. */
  readonly onDidConnect: Event<InstamrktClient> = this.#connected.event;
  /** The connection went away (it may come back by itself). */
  readonly onDidLoseConnection: Event<void> = this.#lost.event;
  /** The user signed out (here or in another window): forget everything about the account. */
  readonly onDidSignOut: Event<void> = this.#signedOut.event;
  /** Another server or account is now in use: what was shown belongs to the previous one. */
  readonly onDidResetAccount: Event<void> = this.#reset.event;
  readonly onEvent: Event<ServerMessage> = this.#events.event;

  readonly #deps: SessionDeps;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#now = deps.now ?? Date.now;
  }

  get endpoints(): Endpoints {
    return this.#override ?? this.#deps.endpoints();
  }

  get snapshot(): SessionSnapshot {
    return {
      status: this.#status,
      serverUrl: this.endpoints.serverUrl,
      username: this.#account?.username,
      userId: this.#account?.userId,
      lastError: this.#lastError,
      usingEmulator: this.#override !== undefined,
    };
  }

  /** The live client, when connected. */
  get api(): InstamrktClient | undefined {
    return this.#status.kind === 'connected' ? this.#client : undefined;
  }

  get isSignedIn(): boolean {
    return this.#account !== undefined;
  }

  /**
   * Reads the stored account for the current server; connects if asked to.
   * Always publishes a status, even when it fails (an unreadable keyring or a
   * refused URL leaves the session signed out, with the reason).
   */
  async start(autoConnect: boolean): Promise<void> {
    this.#checkEndpoints(); // publishes "disconnected" with the reason when it throws
    try {
      await this.#loadAccount();
    } catch (err) {
      this.#lastError = errorMessage(err);
      this.#setStatus({ kind: 'signedOut' });
      throw err;
    }
    if (!this.#account) return this.#setStatus({ kind: 'signedOut' });
    this.#setStatus(IDLE);
    if (autoConnect) await this.connect().catch(() => undefined);
  }

  /** Connects with the stored account. Rejects with the reason when it cannot. */
  async connect(): Promise<void> {
    this.#checkEndpoints();
    if (!this.#account) await this.#loadAccount();
    const account = this.#account;
    if (!account) {
      this.#setStatus({ kind: 'signedOut' });
      throw new AuthenticationError('Not signed in to Instamrkt. Sign in first.');
    }
    const make = this.#deps.client ?? (await defaultClientFactory());
    const generation = this.#newClient(make);
    const client = this.#client as InstamrktClient;
    this.#inConnectCall = true;
    try {
      await client.connect();
    } catch (err) {
      if (generation !== this.#generation) return;
      if (err instanceof AuthenticationError && account.password && (await this.#renew(generation))) {
        if (generation !== this.#generation) return;
        await client.connect();
        return;
      }
      throw err;
    } finally {
      if (generation === this.#generation) this.#inConnectCall = false;
    }
  }

  /** Closes the connection; stays signed in. */
  disconnect(): void {
    this.#dropClient();
    if (this.#account) this.#setStatus(IDLE);
    else this.#setStatus({ kind: 'signedOut' });
  }

  /**
   * Signs in with username and password (REST), verifies the key by
   * connecting, and only then stores it. Wrong credentials leave the
   * previous account, stored or not, exactly as it was.
   */
  async signIn(username: string, password: string): Promise<void> {
    const { restUrl, serverUrl } = this.endpoints;
    this.#deps.onSecret?.(password);
    const login = await (await this.#rest(restUrl)).login(username, password);
    this.#deps.onSecret?.(login.sessionKey);
    const account: Account = { userId: login.userId, username: login.username || username, password, sessionKey: login.sessionKey, issuedAt: this.#now() };
    await this.#adopt(serverUrl, account, false);
  }

  /** Signs in with a user id and session key pasted by the user; stored only once the server accepts it. */
  async signInWithSessionKey(userId: string, sessionKey: string): Promise<void> {
    this.#deps.onSecret?.(sessionKey);
    const account: Account = { userId, sessionKey, issuedAt: this.#now() };
    await this.#adopt(this.endpoints.serverUrl, account, true);
  }

  async #adopt(serverUrl: string, account: Account, verify: boolean): Promise<void> {
    const previous = this.#account;
    this.#account = account;
    try {
      await this.connect();
    } catch (err) {
      if (verify && err instanceof AuthenticationError) {
        // Lose nothing: go back to what was there before.
        this.#account = previous;
        this.#dropClient();
        this.#setStatus(previous ? IDLE : { kind: 'signedOut' });
        throw err;
      }
      // The key is good (REST just issued it) or the server is only unreachable: keep it and let the client retry.
      this.#deps.logger.warn(`Signed in, but not connected yet: ${errorMessage(err)}`);
    }
    // connect() may have renewed the key (and stored it): store what is current, not what came in.
    await this.#deps.store.set(serverUrl, this.#account ?? account);
  }

  /** Ends the session on the server (best effort), deletes the stored secrets and disconnects. */
  async signOut(): Promise<void> {
    const account = this.#account;
    const { serverUrl, restUrl } = this.endpoints;
    this.#lastError = undefined;
    this.#becomeSignedOut();
    try {
      await this.#deps.store.delete(serverUrl);
    } finally {
      if (account?.password) {
        this.#rest(restUrl)
          .then((rest) => rest.logout(account.sessionKey))
          .catch((err) => this.#deps.logger.debug(`Server-side logout failed (the key expires by itself): ${errorMessage(err)}`));
      }
    }
  }

  /** Settings changed (URL, timeouts): start over with the account stored for the new server. */
  async reconfigure(autoConnect: boolean): Promise<void> {
    this.#dropClient();
    this.#account = undefined;
    this.#lastError = undefined;
    this.#reset.fire();
    await this.start(autoConnect);
  }

  /** Points this window at other endpoints (the local emulator), or back at the settings when undefined. */
  async useEndpoints(endpoints: Endpoints | undefined, autoConnect: boolean): Promise<void> {
    this.#override = endpoints;
    await this.reconfigure(autoConnect);
  }

  /** Another window changed the stored account for this server: follow it. */
  async accountChangedElsewhere(serverUrl: string): Promise<void> {
    if (serverUrl !== this.endpoints.serverUrl) return;
    const stored = await this.#deps.store.get(serverUrl);
    const current = this.#account;
    if (!stored && current) {
      this.#deps.logger.info('Signed out in another window.');
      this.#becomeSignedOut();
    } else if (stored && (!current || stored.sessionKey !== current.sessionKey || stored.userId !== current.userId)) {
      this.#deps.logger.info('Signed in in another window.');
      if (current && stored.userId !== current.userId) this.#reset.fire();
      this.#account = stored;
      this.#rememberSecrets(stored);
      await this.connect().catch(() => undefined);
    }
  }

  dispose(): void {
    this.#dropClient();
    this.#changed.dispose();
    this.#connected.dispose();
    this.#lost.dispose();
    this.#signedOut.dispose();
    this.#reset.dispose();
    this.#events.dispose();
  }

  // ---- internals ----

  /** Refuses plain ws:// or http:// to a host that is not this machine, before anything is sent. */
  #checkEndpoints(): void {
    const { serverUrl, restUrl } = this.endpoints;
    try {
      checkWebSocketUrl(serverUrl);
      checkRestUrl(restUrl);
    } catch (err) {
      this.#dropClient();
      this.#lastError = errorMessage(err);
      this.#setStatus({ kind: 'disconnected', nextRetryAt: undefined, error: this.#lastError });
      throw err;
    }
  }

  async #loadAccount(): Promise<void> {
    this.#account = await this.#deps.store.get(this.endpoints.serverUrl);
    if (this.#account) this.#rememberSecrets(this.#account);
  }

  /** Tells the log redactor every secret of an account read from storage. */
  #rememberSecrets(account: Account): void {
    this.#deps.onSecret?.(account.sessionKey);
    if (account.password) this.#deps.onSecret?.(account.password);
  }

  #becomeSignedOut(): void {
    this.#account = undefined;
    this.#dropClient();
    this.#setStatus({ kind: 'signedOut' });
    this.#signedOut.fire();
  }

  /** Renews an expired or refused session key with the stored password. True if it worked. */
  async #renew(generation: number): Promise<boolean> {
    const account = this.#account;
    if (!account?.password || !account.username) return false;
    try {
      this.#deps.logger.info('Session key expired or refused; signing in again with the stored password.');
      const login = await (await this.#rest(this.endpoints.restUrl)).login(account.username, account.password);
      if (generation !== this.#generation) return false;
      this.#deps.onSecret?.(login.sessionKey);
      this.#account = { ...account, userId: login.userId, sessionKey: login.sessionKey, issuedAt: this.#now() };
      await this.#deps.store.set(this.endpoints.serverUrl, this.#account);
      return true;
    } catch (err) {
      this.#deps.logger.warn(`Could not renew the session: ${errorMessage(err)}`);
      return false;
    }
  }

  /** The credentials a (re)connect uses: renewed first if older than a day and a password is stored. */
  async #credentials(generation: number): Promise<{ userId: string; sessionKey: string } | undefined> {
    const account = this.#account;
    if (!account) return undefined;
    if (this.#now() - account.issuedAt >= SESSION_KEY_LIFETIME_MS && account.password) await this.#renew(generation);
    const current = this.#account;
    return current ? { userId: current.userId, sessionKey: current.sessionKey } : undefined;
  }

  #rest(restUrl: string): Promise<RestApi> {
    return this.#deps.rest ? Promise.resolve(this.#deps.rest(restUrl)) : defaultRest(restUrl);
  }

  #newClient(make: (options: ClientOptions) => InstamrktClient): number {
    this.#dropClient();
    const generation = ++this.#generation;
    const e = this.endpoints;
    const client = make({
      serverUrl: e.serverUrl,
      credentials: () => this.#credentials(generation),
      requestTimeoutMs: e.requestTimeoutMs,
      keepAliveMs: e.keepAliveMs,
      logger: this.#deps.logger,
    });
    this.#client = client;
    this.#clientSubscriptions = [
      client.onDidChangeState((ev) => {
        if (generation === this.#generation) this.#onClientState(client, ev);
      }),
      client.onEvent((msg) => {
        if (generation === this.#generation) this.#events.fire(msg);
      }),
      client.onDidMeasureLatency((latencyMs) => {
        if (generation === this.#generation && this.#status.kind === 'connected') this.#setStatus({ kind: 'connected', latencyMs });
      }),
    ];
    return generation;
  }

  #dropClient(): void {
    this.#generation++;
    this.#inConnectCall = false;
    for (const s of this.#clientSubscriptions) s.dispose();
    this.#clientSubscriptions = [];
    const client = this.#client;
    this.#client = undefined;
    if (client) {
      client.dispose();
      this.#lost.fire();
    }
  }

  #onClientState(client: InstamrktClient, ev: StateChangeEvent): void {
    if (ev.error) this.#lastError = errorMessage(ev.error);
    switch (ev.state) {
      case 'connecting':
        this.#setStatus({ kind: 'connecting' });
        break;
      case 'connected':
        this.#lastError = undefined;
        this.#setStatus({ kind: 'connected', latencyMs: client.latencyMs });
        this.#connected.fire(client);
        // Measure latency at once rather than at the first keep-alive (the result arrives through onDidMeasureLatency).
        client.ping().catch(() => undefined);
        break;
      case 'disconnected':
        if (ev.previous === 'connected') this.#lost.fire();
        if (ev.error instanceof AuthenticationError) {
          this.#setStatus({ kind: 'authFailed', error: ev.error.message });
          // A key refused during an automatic reconnect: renew once with the stored password.
          if (!this.#inConnectCall && this.#account?.password) void this.connect().catch((err) => this.#deps.logger.warn(`Reconnect failed: ${errorMessage(err)}`));
        } else {
          this.#setStatus({ kind: 'disconnected', nextRetryAt: ev.nextRetryAt, error: ev.error ? errorMessage(ev.error) : undefined });
        }
        break;
    }
  }

  #setStatus(status: ConnectionStatus): void {
    this.#status = status;
    this.#changed.fire(this.snapshot);
  }
}
