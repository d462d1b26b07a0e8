// The connection state machine: at most one socket (a RequestChannel) at a
// time, logged on, with its own code table; keep-alive; reconnection with
// backoff; the one place the state changes. A socket that can no longer be
// trusted (a request timed out, the server is closing it) is dropped in the
// same step as the state change: state, errors and calls always agree.
import { CodeTable, OpName, ResName } from './codes';
import { AuthenticationError, ConnectionLostError, DisposedError, errorMessage, formatDuration, isPermanent, NotConnectedError, ProtocolError } from './errors';
import { routeFor, withCertificateDate, type Route } from './network';
import { buildHandshakeUrl, redactHandshakeUrl } from './handshake';
import type { MessageOf, ServerMessage } from './messages';
import { KeepAlive } from './keepAlive';
import { logOn, readCodeTable } from './logon';
import { Emitter, Event } from './events';
import { backoffDelay } from './backoff';
import type { ConnectionState, Credentials, Logger, ResolvedOptions, StateChangeEvent } from './clientOptions';
import { RequestChannel } from './requestChannel';
import type { EchoIds, PendingRequest } from './requestQueue';

export class Connection {
  readonly #opts: ResolvedOptions;
  #state: ConnectionState = 'disconnected';
  #channel: RequestChannel | undefined;
  #latencyMs: number | undefined;
  #nextRetryAt: number | undefined;
  #lastError: Error | undefined;
  /** The connect attempt under way, shared by every connect() call made meanwhile. */
  #attempt: Promise<void> | undefined;
  /** Bumped whenever an attempt is abandoned, so its late results are ignored. */
  #generation = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  readonly #keepAlive: KeepAlive;
  /** Failed attempts since the last successful one: the backoff step. */
  #failures = 0;
  /** True once a connection has been established; a later one is a "reconnect". */
  #everConnected = false;
  #lostSinceConnected = false;
  /** Set by disconnect(): no automatic reconnection until connect() is called again. */
  #stopped = true;
  #disposed = false;

  // A listener's failure is its own: it is logged and never stops the connection.
  readonly #onListenerError = (error: unknown): void => this.#log('error', `An event listener failed: ${errorMessage(error)}`);
  readonly #stateEmitter = new Emitter<StateChangeEvent>(this.#onListenerError);
  readonly #eventEmitter = new Emitter<ServerMessage>(this.#onListenerError);
  readonly #protocolErrorEmitter = new Emitter<ProtocolError>(this.#onListenerError);
  readonly #reconnectEmitter = new Emitter<void>(this.#onListenerError);
  readonly #latencyEmitter = new Emitter<number>(this.#onListenerError);
  /** Connection state changes, published from one place (#setState). */
  readonly onDidChangeState: Event<StateChangeEvent> = this.#stateEmitter.event;
  /** Unsolicited messages (broadcasts): frames that answer no pending request. */
  readonly onEvent: Event<ServerMessage> = this.#eventEmitter.event;
  /** Frames that could not be decoded (the connection is kept), and a broken framing (it is not). */
  readonly onProtocolError: Event<ProtocolError> = this.#protocolErrorEmitter.event;
  /** Fired after a lost connection is re-established: lists should be re-read. */
  readonly onDidReconnect: Event<void> = this.#reconnectEmitter.event;
  /** A ping round trip was measured (keep-alive or ping()); the value is `latencyMs`. */
  readonly onDidMeasureLatency: Event<number> = this.#latencyEmitter.event;

  constructor(options: ResolvedOptions) {
    this.#opts = options;
    this.#keepAlive = new KeepAlive(options.keepAliveMs, () => this.send('ping', {}, ['pong'], {}), (ms) => this.recordLatency(ms));
  }

  get state(): ConnectionState { return this.#state; }
  /** This connection's code table: the documented codes until its get_opcodes answers, and while disconnected. */
  get codes(): CodeTable { return this.#channel?.codes ?? CodeTable.documented; }
  /** Round trip of the last keep-alive or ping(), in ms. */
  get latencyMs(): number | undefined { return this.#latencyMs; }
  /** When the next automatic connection attempt is due (epoch ms), if one is scheduled. */
  get nextRetryAt(): number | undefined { return this.#nextRetryAt; }
  /** The error that last cost the connection (or stopped an attempt); cleared on connecting. */
  get lastError(): Error | undefined { return this.#lastError; }
  /** Requests sent and not yet answered. */
  get pendingCount(): number { return this.#channel?.pendingCount ?? 0; }
  get isDisposed(): boolean { return this.#disposed; }

  /**
   * Connects, logs on and reads the code table; resolves once connected.
   * Rejects with the attempt's error (AuthenticationError for refused
   * credentials or a refused logon: never retried on a timer). After any
   * other failure a retry is scheduled when reconnection is on.
   */
  connect(): Promise<void> {
    if (this.#disposed) return Promise.reject(new DisposedError());
    this.#stopped = false;
    if (this.#state === 'connected') return Promise.resolve();
    if (this.#attempt) return this.#attempt;
    this.#clearRetryTimer();
    return this.#startAttempt();
  }

  /** Closes the connection and stops reconnecting. Pending requests fail with ConnectionLostError. */
  disconnect(): void {
    if (this.#disposed) return;
    this.#stopped = true;
    this.#clearRetryTimer();
    this.#teardown(new ConnectionLostError('disconnected by the client'), 'disconnected by the client');
    this.#setState('disconnected');
  }

  /** Ends everything: pending requests fail with DisposedError, timers are cleared, the socket closed. */
  dispose(): void {
    if (this.#disposed) return;
    this.#stopped = true;
    this.#clearRetryTimer();
    this.#teardown(new DisposedError(), 'client disposed');
    this.#setState('disconnected');
    this.#disposed = true;
    for (const emitter of [this.#stateEmitter, this.#eventEmitter, this.#protocolErrorEmitter, this.#reconnectEmitter, this.#latencyEmitter]) emitter.dispose();
  }

  #startAttempt(): Promise<void> {
    const generation = ++this.#generation;
    this.#nextRetryAt = undefined;
    this.#setState('connecting');
    const attempt = this.#runAttempt(generation).then(
      () => {
        if (this.#attempt === attempt) this.#attempt = undefined;
      },
      (error: Error) => {
        if (this.#attempt === attempt) this.#attempt = undefined;
        if (this.#disposed) throw new DisposedError();
        this.#attemptFailed(generation, error);
        throw error;
      },
    );
    this.#attempt = attempt;
    return attempt;
  }

  async #runAttempt(generation: number): Promise<void> {
    const stale = (): boolean => generation !== this.#generation || this.#disposed;
    const cancelled = (): Error => (this.#disposed ? new DisposedError() : new ConnectionLostError('connection attempt cancelled'));
    let credentials: Credentials | undefined;
    try {
      credentials = await this.#opts.credentials();
    } catch (cause) {
      throw new AuthenticationError('Could not read the Instamrkt credentials.', { cause });
    }
    if (stale()) throw cancelled();
    if (!credentials || !credentials.userId || !credentials.sessionKey) throw new AuthenticationError('Not signed in to Instamrkt: no user id and session key.');

    const url = buildHandshakeUrl(this.#opts.serverUrl, credentials.userId, credentials.sessionKey);
    const route = await routeFor(url, this.#opts.network());
    if (stale()) throw cancelled();
    this.#log('info', `Connecting to ${redactHandshakeUrl(url)}, ${route.decision.reason}`);
    const channel = this.#openChannel(url, route);
    await channel.opened.catch(async (error: Error) => {
      throw await withCertificateDate(error, url, route, this.#opts.requestTimeoutMs);
    });
    if (stale()) throw cancelled();
    const log = this.#log.bind(this);
    await logOn(channel, log);
    if (this.#opts.fetchOpcodes) await readCodeTable(channel, log);
    else this.#log('info', 'Using the documented codes (fetchOpcodes is off).');
    if (stale()) throw cancelled();

    this.#failures = 0;
    this.#lastError = undefined;
    const reconnected = this.#everConnected && this.#lostSinceConnected;
    this.#everConnected = true;
    this.#lostSinceConnected = false;
    this.#setState('connected', { reconnected: reconnected || undefined });
    // A listener may have disconnected already: keep-alive only runs while connected.
    if (this.#state === 'connected') this.#keepAlive.start();
    if (reconnected) this.#reconnectEmitter.fire();
  }

  #openChannel(url: URL, route: Route): RequestChannel {
    const channel = new RequestChannel(url, { maxPayload: this.#opts.maxPayload, requestTimeoutMs: this.#opts.requestTimeoutMs, route }, {
      onEvent: (message) => this.#eventEmitter.fire(message),
      onProtocolError: (error, dropped) => this.#reportProtocolError(error, dropped),
      onTimeout: (timedOut, expired) => this.#onTimeout(timedOut, expired),
      onClose: (closed, why) => {
        if (closed === this.#channel) this.#lose(why);
      },
      log: (level, message) => this.#log(level, message),
    });
    this.#channel = channel;
    return channel;
  }

  #attemptFailed(generation: number, error: Error): void {
    if (generation !== this.#generation || this.#disposed) return;
    this.#log(error instanceof AuthenticationError ? 'error' : 'warn', `Connection attempt failed: ${error.message}`);
    this.#lastError = error;
    if (this.#everConnected) this.#lostSinceConnected = true;
    this.#keepAlive.stop();
    this.#detach(new ConnectionLostError(error.message));
    this.#scheduleRetry(error);
  }

  /** A request timed out: a late reply could be taken for a later request's, so this socket is done. */
  #onTimeout(channel: RequestChannel, expired: readonly PendingRequest<unknown>[]): void {
    if (channel !== this.#channel) return;
    const keepAlive = this.#keepAlive.awaitingAnswer && expired.some((e) => e.opName === 'ping');
    this.#lose(keepAlive ? 'no answer to the keep-alive ping' : `no reply to ${expired[0].opName} in time; later replies could no longer be matched`);
  }

  /** The current socket is gone or cannot be trusted: drop it now, fail what is pending, and publish the new state. */
  #lose(why: string): void {
    this.#log('warn', `Connection lost: ${why}`);
    this.#keepAlive.stop();
    this.#detach(new ConnectionLostError(why));
    // While connecting, the handshake request just failed: the attempt's failure path decides what comes next.
    if (this.#state === 'connecting') return;
    this.#lostSinceConnected = true;
    const lost = new ConnectionLostError(why, { inFlight: false });
    this.#lastError = lost;
    this.#scheduleRetry(lost);
  }

  #scheduleRetry(error: Error): void {
    this.#clearRetryTimer();
    const { reconnect } = this.#opts;
    if (this.#stopped || this.#disposed || !reconnect || isPermanent(error)) {
      this.#setState('disconnected', { error });
      return;
    }
    const delay = backoffDelay(this.#failures, reconnect, this.#opts.random);
    this.#failures++;
    this.#nextRetryAt = Date.now() + delay;
    this.#log('info', `Reconnecting in ${formatDuration(delay)}.`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
      // Stryker disable next-line ConditionalExpression,LogicalOperator,StringLiteral: connect(), disconnect(), dispose() and a new schedule all clear this timer first, so none of these holds when it fires.
      if (this.#stopped || this.#disposed || this.#attempt || this.#state === 'connected') return;
      // The promise's failure is handled in startAttempt (next retry or stop); nobody else awaits it.
      this.#startAttempt().catch(() => undefined);
    }, delay);
    this.#setState('disconnected', { error, nextRetryAt: this.#nextRetryAt });
  }

  /** Cancels the current attempt/connection: pending requests fail with `error`. */
  #teardown(error: Error, why: string): void {
    this.#generation++;
    this.#attempt = undefined;
    this.#keepAlive.stop();
    if (this.#channel) this.#log('info', `Closing the connection: ${why}.`);
    this.#detach(error, why);
  }

  /** Forgets the current channel, closing its socket (gracefully when `why` is given) and failing its requests. */
  #detach(error: Error, why?: string): void {
    const channel = this.#channel;
    this.#channel = undefined;
    channel?.close(error, why);
  }

  #setState(state: ConnectionState, extra: { error?: Error; reconnected?: boolean; nextRetryAt?: number } = {}): void {
    if (state !== 'disconnected') this.#nextRetryAt = undefined;
    const previous = this.#state;
    if (previous === state && extra.error === undefined && extra.nextRetryAt === undefined) return;
    this.#state = state;
    const event: StateChangeEvent = { state, previous };
    if (extra.error) event.error = extra.error;
    if (extra.reconnected) event.reconnected = true;
    if (extra.nextRetryAt !== undefined) event.nextRetryAt = extra.nextRetryAt;
    this.#log('debug', `State ${previous} → ${state}`);
    this.#stateEmitter.fire(event);
  }

  #clearRetryTimer(): void {
    if (this.#retryTimer) clearTimeout(this.#retryTimer);
    this.#retryTimer = undefined;
    this.#nextRetryAt = undefined;
  }

  /** Sends on the current connection; rejects with NotConnectedError unless connected. */
  protected send<K extends ResName>(opName: OpName, params: Record<string, unknown>, expected: readonly K[], echo: EchoIds): Promise<MessageOf<K>> {
    const channel = this.#channel;
    if (this.#state !== 'connected' || !channel) return Promise.reject(new NotConnectedError());
    if (!channel.isOpen) {
      // The socket is closing under us (the server sent a close frame): say so now rather than stay "connected".
      this.#lose('the server is closing the connection');
      return Promise.reject(new NotConnectedError());
    }
    return channel.send(opName, params, expected, echo);
  }

  protected recordLatency(ms: number): number {
    this.#latencyMs = ms;
    this.#latencyEmitter.fire(ms);
    return ms;
  }

  #reportProtocolError(error: ProtocolError, dropped?: string): void {
    this.#log('warn', dropped ? `${error.message} Dropped: ${dropped}.` : error.message);
    this.#protocolErrorEmitter.fire(error);
  }

  #log(level: keyof Logger, message: string): void {
    try {
      this.#opts.logger?.[level](message);
    } catch {
      // A broken logger must not break the connection.
    }
  }
}
