// The connection manager: one InstamrktClient for the current account, its
// state as the UI needs it, and the one renewal a refused key may get. It
// never decides who is signed in (the account manager does) nor publishes
// the status (the session does, from this state and the account's).
import { AuthenticationError, type ClientOptions, ConnectionLostError, type Credentials, Emitter, errorMessage, type Event, formatDuration, InstamrktClient, type Logger, type NetworkOptions, type ServerMessage, type StateChangeEvent } from '../protocol';
import type { Intent } from './lifecycle';
import type { LinkState } from './status';

export interface LinkEndpoints {
  serverUrl: string;
  requestTimeoutMs: number;
  keepAliveMs: number;
}

/** What the connection asks of the account it connects for. */
export interface LinkAccount {
  /** Asked on every (re)connect. */
  credentials(): Promise<Credentials | undefined>;
  /** Whether a refused key may be renewed (a password is stored and no sign-in is being checked). */
  canRenew(): boolean;
  /** Renews the key; true when a new one is held. */
  renew(): Promise<boolean>;
}

export interface LinkDeps {
  /** Default: the protocol's InstamrktClient, loaded on first connect. */
  client?: (options: ClientOptions) => InstamrktClient;
  logger: Logger;
  /** The client's automatic reconnection (default: its own backoff). */
  reconnect?: ClientOptions['reconnect'];
  /** Proxy settings and trusted CAs, read at each connection attempt. */
  network?: () => NetworkOptions;
}

interface Waiter {
  resolve(): void;
  reject(error: Error): void;
}

const IDLE: LinkState = { kind: 'idle' };

// The client is part of the bundle loaded at activation (a dynamic import of it
// would make the bundler wrap the whole protocol layer in lazy initialisers,
// which V8 then compiles at activation anyway, at about twice the cost); what
// it loads on first use is `ws` (see webSocketClass.ts).
const makeClient = (options: ClientOptions): InstamrktClient => new InstamrktClient(options);

export class ConnectionManager {
  readonly #deps: LinkDeps;
  #client: InstamrktClient | undefined;
  #subscriptions: { dispose(): void }[] = [];
  #state: LinkState = IDLE;
  /** Explicit connect() calls waiting for the outcome of the attempt they started. */
  #waiters: Waiter[] = [];
  /** One renewal per refusal: set when a renewal starts, cleared by a connection or an explicit connect(). */
  // Stryker disable next-line BooleanLiteral: connect() sets it to false before any attempt it starts can be refused, so the initial value is never read
  #renewed = false;
  /** Changes with every explicit connect() or close(): a renewal that finishes under another token leaves the state alone. */
  #token = 0;
  /** When the state's kind last changed, and the current client's server: for the connect and disconnect log lines. */
  #since = 0;
  // Stryker disable next-line StringLiteral: read only by log lines about a client, and #open() sets it when it makes the client
  #serverUrl = '';

  readonly #changed = new Emitter<void>();
  readonly #connected = new Emitter<InstamrktClient>();
  readonly #lost = new Emitter<void>();
  readonly #events = new Emitter<ServerMessage>();
  /** The state changed because of the server or the network (not because of close()). */
  readonly onDidChange: Event<void> = this.#changed.event;
  readonly onDidConnect: Event<InstamrktClient> = this.#connected.event;
  readonly onDidLose: Event<void> = this.#lost.event;
  readonly onEvent: Event<ServerMessage> = this.#events.event;

  constructor(deps: LinkDeps) {
    this.#deps = deps;
  }

  get state(): LinkState {
    return this.#state;
  }

  /** The live client, only while connected. */
  get client(): InstamrktClient | undefined {
    return this.#state.kind === 'connected' ? this.#client : undefined;
  }

  /**
   * Connects (a client is made on first use) and resolves once connected;
   * rejects with the attempt's final error: after one renewal for a refused
   * key, or at once for a network failure (the client then retries by itself).
   */
  async connect(endpoints: LinkEndpoints, account: LinkAccount, intent: Intent): Promise<void> {
    if (this.#state.kind === 'connected') return;
    // Superseded already: nothing to connect.
    intent.check();
    const client = this.#client ?? this.#open(this.#deps.client ?? makeClient, endpoints, account);
    this.#renewed = false;
    // Stryker disable next-line UpdateOperator: a renewal compares the token for equality with its own, and while the client stays the same only connect() changes it, so the direction does not matter
    this.#token++;
    const outcome = new Promise<void>((resolve, reject) => this.#waiters.push({ resolve, reject }));
    // The outcome arrives as a state change (below), whichever attempt brings it.
    client.connect().catch(() => undefined);
    return outcome;
  }

  /** Closes the connection and forgets the client. Silent: the caller publishes the state it leads to. */
  close(): void {
    // Stryker disable next-line UpdateOperator: a renewal compares the token for equality with its own: any change, up or down, ends it
    this.#token++;
    const client = this.#client;
    if (client) {
      const took = formatDuration(performance.now() - this.#since);
      this.#deps.logger.info(this.#state.kind === 'connected' ? `Disconnected from ${this.#serverUrl} after ${took} connected` : `Connect to ${this.#serverUrl}: stopped after ${took}`);
    }
    this.#client = undefined;
    // Stryker disable next-line CallExpression: every listener below ignores a client that is no longer this.#client; unsubscribing only frees them
    for (const s of this.#subscriptions) s.dispose();
    this.#subscriptions = [];
    this.#state = IDLE;
    this.#settle(new ConnectionLostError('the connection was closed'));
    if (client) {
      client.dispose();
      this.#lost.fire();
    }
  }

  dispose(): void {
    this.close();
    this.#changed.dispose();
    this.#connected.dispose();
    this.#lost.dispose();
    this.#events.dispose();
  }

  #open(make: (options: ClientOptions) => InstamrktClient, endpoints: LinkEndpoints, account: LinkAccount): InstamrktClient {
    const client = make({
      serverUrl: endpoints.serverUrl,
      credentials: () => account.credentials(),
      requestTimeoutMs: endpoints.requestTimeoutMs,
      keepAliveMs: endpoints.keepAliveMs,
      logger: this.#deps.logger,
      reconnect: this.#deps.reconnect,
      network: this.#deps.network,
    });
    this.#client = client;
    this.#serverUrl = endpoints.serverUrl;
    this.#subscriptions = [
      client.onDidChangeState((ev) => {
        // Stryker disable next-line ConditionalExpression: close() unsubscribes before it disposes the client, so a replaced client's events never reach here
        if (client === this.#client) this.#onClientState(client, account, ev);
      }),
      client.onEvent((msg) => {
        // Stryker disable next-line ConditionalExpression: close() unsubscribes before it disposes the client, so a replaced client's events never reach here
        if (client === this.#client) this.#events.fire(msg);
      }),
      client.onDidMeasureLatency((latencyMs) => {
        // Stryker disable next-line ConditionalExpression,LogicalOperator: a replaced client is unsubscribed (close()), and the live one measures latency only from a pong on its connection, reported before any state change
        if (client === this.#client && this.#state.kind === 'connected') this.#set({ kind: 'connected', latencyMs });
      }),
    ];
    return client;
  }

  #onClientState(client: InstamrktClient, account: LinkAccount, ev: StateChangeEvent): void {
    switch (ev.state) {
      case 'connecting':
        this.#set({ kind: 'connecting' });
        break;
      case 'connected':
        this.#renewed = false;
        this.#set({ kind: 'connected', latencyMs: client.latencyMs });
        this.#settle();
        this.#connected.fire(client);
        // Measure latency at once rather than at the first keep-alive (the result arrives through onDidMeasureLatency).
        client.ping().catch(() => undefined);
        break;
      case 'disconnected': {
        if (ev.previous === 'connected') this.#lost.fire();
        // Stryker disable next-line StringLiteral: the client reports 'disconnected' without an error only for its own disconnect() or dispose(), which the manager calls only after it stopped listening
        const error = ev.error ?? new ConnectionLostError('disconnected');
        if (error instanceof AuthenticationError && !this.#renewed && account.canRenew()) {
          // A refused key gets one renewal; until it is known to have failed, this is still connecting.
          this.#renewed = true;
          this.#set({ kind: 'connecting' });
          void this.#renewAndRetry(client, account, error, this.#token);
        } else if (error instanceof AuthenticationError) {
          this.#fail(error);
        } else {
          this.#set({ kind: 'disconnected', nextRetryAt: ev.nextRetryAt, error: errorMessage(error) });
          this.#settle(error);
        }
        break;
      }
    }
  }

  async #renewAndRetry(client: InstamrktClient, account: LinkAccount, refusal: AuthenticationError, token: number): Promise<void> {
    // Stryker disable next-line ArrowFunction: undefined and false both mean "not renewed" below
    const renewed = await account.renew().catch(() => false);
    // Closed, or a new connect() took over: that one reports its own outcome.
    // Stryker disable next-line ConditionalExpression: close() changes the token too, so either test alone ends a renewal of a closed client
    if (client !== this.#client || token !== this.#token) return;
    if (renewed) {
      client.connect().catch(() => undefined);
      return;
    }
    this.#fail(refusal);
  }

  /** The server refused the key and no renewal is left: an authentication outcome, not retried. */
  #fail(error: AuthenticationError): void {
    this.#set({ kind: 'authFailed', error: error.message });
    this.#settle(error);
  }

  /** Resolves (no error) or rejects every waiting connect(). */
  #settle(error?: Error): void {
    for (const w of this.#waiters.splice(0)) {
      if (error) w.reject(error);
      else w.resolve();
    }
  }

  #set(state: LinkState): void {
    const previous = this.#state;
    this.#state = state;
    if (state.kind !== previous.kind) this.#logChange(previous, state);
    this.#changed.fire();
  }

  /** Each connect's outcome and each lost connection, with how long it took or lasted (the client logs the details). */
  #logChange(previous: LinkState, state: LinkState): void {
    const now = performance.now();
    const took = formatDuration(now - this.#since);
    this.#since = now;
    const { logger } = this.#deps;
    const connect = `Connect to ${this.#serverUrl}`;
    if (state.kind === 'connected') logger.info(`${connect}: connected in ${took}`);
    else if (state.kind === 'authFailed') logger.warn(`${connect}: refused after ${took}: ${state.error}`);
    else if (state.kind === 'disconnected') logger.warn(previous.kind === 'connected' ? `Disconnected from ${this.#serverUrl} after ${took} connected: ${state.error}` : `${connect}: failed after ${took}: ${state.error}`);
  }
}
