// InstamrktClient: one WebSocket to the Instamrkt server. Handshake, logon,
// code table refresh, request/reply correlation (PROTOCOL.md §4), keep-alive,
// connection state, and reconnection with backoff. No UI, no `vscode`.
import WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { CodeTable, OpName, ResName } from './codes';
import { AuthenticationError, ConnectionFailedError, ConnectionLostError, DisposedError, InvalidArgumentError, NotConnectedError, ProtocolError, RequestTimeoutError, ServerError, errorMessage } from './errors';
import { buildHandshakeUrl, checkWebSocketUrl, redactHandshakeUrl } from './handshake';
import {
  ActiveGame,
  decodeFrame,
  encodeRequest,
  MessageOf,
  ResponseBodies,
  ServerMessage,
  SourceInfo,
  UpcomingGame,
} from './messages';
import { Disposable, Emitter, Event } from './events';
import { characterCount, MAX_DESCRIPTION_LENGTH } from './limits';
import { backoffDelay, BackoffOptions, backoffProblem, DEFAULT_BACKOFF } from './backoff';

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

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string): void;
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
  /** Source of randomness for the backoff jitter (tests). */
  random?: () => number;
}

export const DEFAULT_REQUEST_TIMEOUT_MS = 30_000;
export const DEFAULT_KEEP_ALIVE_MS = 30_000;
/** 16 MiB: a 621 reply listing 10,000 sources with long descriptions still fits. */
export const DEFAULT_MAX_PAYLOAD = 16 * 1024 * 1024;

/** Ids a reply must echo to be taken as the answer to a request. */
export interface EchoIds {
  source_id?: string;
  game_id?: string;
}

interface Pending {
  readonly opName: OpName;
  /** Response codes (of the table the request was sent with) that answer it. */
  readonly expected: ReadonlySet<number>;
  readonly echo: EchoIds;
  readonly resolve: (message: ServerMessage) => void;
  readonly reject: (error: Error) => void;
  timer: NodeJS.Timeout | undefined;
}

/** Errors after which retrying on a timer cannot help: the user has to act. */
function isPermanent(error: Error | undefined): boolean {
  return error instanceof AuthenticationError || error instanceof InvalidArgumentError || error instanceof DisposedError;
}

export function nonEmptyId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(`${what} must be a non-empty string.`);
  return value;
}

export class InstamrktClient implements Disposable {
  readonly #opts: Required<Omit<ClientOptions, 'logger' | 'reconnect'>> & { reconnect: BackoffOptions | false };
  readonly #logger: Logger | undefined;

  #state: ConnectionState = 'disconnected';
  #codes: CodeTable = CodeTable.documented;
  #latencyMs: number | undefined;
  #nextRetryAt: number | undefined;
  #lastError: Error | undefined;

  #socket: WebSocket | undefined;
  /** Requests in the order they were sent. */
  #pending: Pending[] = [];
  /** The connect attempt under way, shared by every connect() call made meanwhile. */
  #attempt: Promise<void> | undefined;
  /** Bumped whenever an attempt is abandoned, so its late results are ignored. */
  #generation = 0;
  #retryTimer: NodeJS.Timeout | undefined;
  #keepAliveTimer: NodeJS.Timeout | undefined;
  #failures = 0;
  /** Why the current socket is going down, when the client knows better than the close code. */
  #lostReason: string | undefined;
  /** True once a connection has been established; a later one is a "reconnect". */
  #everConnected = false;
  #lostSinceConnected = false;
  /** Set by disconnect(): no automatic reconnection until connect() is called again. */
  #stopped = true;
  #disposed = false;

  readonly #stateEmitter: Emitter<StateChangeEvent>;
  readonly #eventEmitter: Emitter<ServerMessage>;
  readonly #protocolErrorEmitter: Emitter<ProtocolError>;
  readonly #reconnectEmitter: Emitter<void>;
  readonly #latencyEmitter: Emitter<number>;

  /** Connection state changes, published from one place (setState). */
  readonly onDidChangeState: Event<StateChangeEvent>;
  /** Unsolicited messages (broadcasts), and replies that match no pending request. */
  readonly onEvent: Event<ServerMessage>;
  /** Frames that could not be decoded; the connection is kept. */
  readonly onProtocolError: Event<ProtocolError>;
  /** Fired after a lost connection is re-established: lists should be re-read. */
  readonly onDidReconnect: Event<void>;
  /** A ping round trip was measured (keep-alive or ping()); the value is `latencyMs`. */
  readonly onDidMeasureLatency: Event<number>;

  /**
   * Throws InsecureUrlError for ws:// to a host other than loopback, and
   * InvalidArgumentError for bad options; it does not connect.
   */
  constructor(options: ClientOptions) {
    // `ws` refuses URLs with a fragment when connecting; say so now rather than retry forever.
    if (checkWebSocketUrl(options.serverUrl).hash !== '') throw new InvalidArgumentError('The server URL must not contain a # fragment.');
    if (typeof options.credentials !== 'function') throw new InvalidArgumentError('credentials must be a function.');
    const reconnect: BackoffOptions | false = options.reconnect === false ? false : { ...DEFAULT_BACKOFF, ...options.reconnect };
    this.#opts = {
      requestTimeoutMs: DEFAULT_REQUEST_TIMEOUT_MS,
      keepAliveMs: DEFAULT_KEEP_ALIVE_MS,
      maxPayload: DEFAULT_MAX_PAYLOAD,
      fetchOpcodes: true,
      random: Math.random,
      ...stripUndefined(options),
      serverUrl: options.serverUrl,
      credentials: options.credentials,
      reconnect,
    };
    const { requestTimeoutMs, keepAliveMs, maxPayload } = this.#opts;
    if (!(Number.isFinite(requestTimeoutMs) && requestTimeoutMs > 0)) throw new InvalidArgumentError('requestTimeoutMs must be a positive number.');
    if (!(Number.isFinite(keepAliveMs) && keepAliveMs >= 0)) throw new InvalidArgumentError('keepAliveMs must be 0 (off) or a positive number.');
    if (!(Number.isSafeInteger(maxPayload) && maxPayload > 0)) throw new InvalidArgumentError('maxPayload must be a positive integer.');
    if (reconnect) {
      const problem = backoffProblem(reconnect);
      if (problem) throw new InvalidArgumentError(problem);
    }
    this.#logger = options.logger;
    const onListenerError = (error: unknown): void => this.#log('error', `An event listener failed: ${errorMessage(error)}`);
    this.#stateEmitter = new Emitter(onListenerError);
    this.#eventEmitter = new Emitter(onListenerError);
    this.#protocolErrorEmitter = new Emitter(onListenerError);
    this.#reconnectEmitter = new Emitter(onListenerError);
    this.#latencyEmitter = new Emitter(onListenerError);
    this.onDidChangeState = this.#stateEmitter.event;
    this.onEvent = this.#eventEmitter.event;
    this.onProtocolError = this.#protocolErrorEmitter.event;
    this.onDidReconnect = this.#reconnectEmitter.event;
    this.onDidMeasureLatency = this.#latencyEmitter.event;
  }

  // ---- State ----

  get state(): ConnectionState {
    return this.#state;
  }

  /** The code table in use: documented values, refreshed from get_opcodes after logon. */
  get codes(): CodeTable {
    return this.#codes;
  }

  /** Round trip of the last keep-alive or ping(), in ms. */
  get latencyMs(): number | undefined {
    return this.#latencyMs;
  }

  /** When the next automatic connection attempt is due (epoch ms), if one is scheduled. */
  get nextRetryAt(): number | undefined {
    return this.#nextRetryAt;
  }

  /** The error that last cost the connection (or stopped an attempt); cleared on connecting. */
  get lastError(): Error | undefined {
    return this.#lastError;
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#pending.length;
  }

  get isDisposed(): boolean {
    return this.#disposed;
  }

  // ---- Lifecycle ----

  /**
   * Connects, logs on and fetches the code table; resolves once connected.
   * Rejects with the attempt's error (AuthenticationError for refused
   * credentials). After a failure that is not an authentication one, a retry
   * is scheduled when reconnection is on.
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
    this.#stateEmitter.dispose();
    this.#eventEmitter.dispose();
    this.#protocolErrorEmitter.dispose();
    this.#reconnectEmitter.dispose();
    this.#latencyEmitter.dispose();
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
    let credentials: Credentials | undefined;
    try {
      credentials = await this.#opts.credentials();
    } catch (cause) {
      throw new AuthenticationError('Could not read the Instamrkt credentials.', { cause });
    }
    if (stale()) throw this.#disposed ? new DisposedError() : new ConnectionLostError('connection attempt cancelled');
    if (!credentials || !credentials.userId || !credentials.sessionKey) throw new AuthenticationError('Not signed in to Instamrkt: no user id and session key.');

    const url = buildHandshakeUrl(this.#opts.serverUrl, credentials.userId, credentials.sessionKey);
    this.#log('info', `Connecting to ${redactHandshakeUrl(url)}`);
    await this.#openSocket(url, generation);
    if (stale()) throw this.#disposed ? new DisposedError() : new ConnectionLostError('connection attempt cancelled');

    const logon = await this.#send('logon', {}, ['logon_success', 'logon_fail', 'logon_fail_already_logged_in']);
    if (logon.name === 'logon_fail') {
      throw new AuthenticationError(logon.body.text ? `The server refused the logon: ${logon.body.text}` : 'The server refused the logon.');
    }
    this.#log('debug', logon.name === 'logon_success' ? 'Logged on.' : 'Already logged on (112): continuing.');

    if (this.#opts.fetchOpcodes) {
      try {
        const table = await this.#send('get_opcodes', {}, ['opcodes']);
        this.#codes = this.#codes.withServerTable(table.body.opcodes, table.body.response_codes);
      } catch (error) {
        // A connection lost here is fatal to the attempt; a refusal (666, timeout, bad table) is not.
        if (error instanceof ConnectionLostError || error instanceof DisposedError) throw error;
        this.#log('warn', `Could not read the server's code table, using the documented codes: ${describe(error)}`);
      }
    }
    if (stale()) throw this.#disposed ? new DisposedError() : new ConnectionLostError('connection attempt cancelled');

    this.#failures = 0;
    this.#lastError = undefined;
    const reconnected = this.#everConnected && this.#lostSinceConnected;
    this.#everConnected = true;
    this.#lostSinceConnected = false;
    this.#setState('connected', { reconnected: reconnected || undefined });
    this.#scheduleKeepAlive();
    if (reconnected) this.#reconnectEmitter.fire();
  }

  /** Opens the socket; resolves on 'open', rejects with the reason it did not open. */
  #openSocket(url: URL, generation: number): Promise<void> {
    return new Promise<void>((resolve, reject) => {
      let settled = false;
      // Before 'open': why the attempt failed. After: why the connection was lost (first cause wins).
      let failure: Error | undefined;
      const fail = (error: Error): void => {
        failure ??= error;
      };
      const lose = (why: string): void => {
        this.#lostReason ??= why;
      };
      this.#lostReason = undefined;
      const ws = new WebSocket(url, {
        maxPayload: this.#opts.maxPayload,
        handshakeTimeout: this.#opts.requestTimeoutMs,
        // No redirects: the digest in the URL must not be replayed to another host.
        followRedirects: false,
        // No compression. PROTOCOL.md does not mention it and the emulator does not offer it, so it
        // would be a path no test runs; a compressed stream that carries a session key alongside
        // text other users chose is what CRIME-style attacks need; and ws itself advises enabling
        // it only where really needed, for its CPU and memory cost. The bundle leaves its code out.
        perMessageDeflate: false,
      });
      this.#socket = ws;

      ws.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
        const status = res.statusCode ?? 0;
        res.resume();
        fail(
          status === 401 || status === 403
            ? new AuthenticationError(`The server refused the connection (HTTP ${status}): the session key is wrong or has expired. Sign in again.`)
            : new ConnectionFailedError(`The server answered the WebSocket handshake with HTTP ${status}.`, status),
        );
        ws.terminate();
      });
      ws.on('error', (error: Error) => {
        const code = (error as Error & { code?: unknown }).code;
        if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
          this.#reportProtocolError(new ProtocolError(`The server sent a frame larger than ${this.#opts.maxPayload} bytes; closing the connection.`));
          lose('the server sent an oversize frame');
        } else if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
          this.#reportProtocolError(new ProtocolError(`The server broke the WebSocket framing (${code}); closing the connection.`));
          lose('the server broke the WebSocket framing');
        } else if (!settled) {
          fail(new ConnectionFailedError(`Could not connect to ${url.host}: ${describe(error)}`, undefined, { cause: error }));
        } else {
          lose(describe(error));
        }
      });
      ws.on('open', () => {
        if (settled) return;
        settled = true;
        if (generation !== this.#generation) {
          ws.terminate();
          reject(new ConnectionLostError('connection attempt cancelled'));
          return;
        }
        resolve();
      });
      ws.on('message', (data: WebSocket.RawData, isBinary: boolean) => {
        if (ws !== this.#socket) return;
        this.#onFrame(data, isBinary);
      });
      ws.on('close', (code: number, reason: Buffer) => {
        if (!settled) {
          // Never opened: the attempt's own failure path decides what comes next.
          settled = true;
          if (ws === this.#socket) this.#socket = undefined;
          reject(failure ?? new ConnectionFailedError(`The connection to ${url.host} closed before it opened (code ${code}).`));
          return;
        }
        if (ws !== this.#socket) return;
        const why = this.#lostReason ?? `closed by the server (code ${code}${reason.length ? `: ${reason.toString('utf8').slice(0, 200)}` : ''})`;
        this.#onSocketGone(why);
      });
    });
  }

  /** The socket of the current connection closed or failed. */
  #onSocketGone(why: string): void {
    this.#log('warn', `Connection lost: ${why}`);
    this.#socket = undefined;
    this.#clearKeepAlive();
    this.#rejectAllPending(new ConnectionLostError(why));
    if (this.#attempt) return; // the attempt's own failure path schedules what comes next
    this.#lostSinceConnected = true;
    const lost = new ConnectionLostError(why);
    this.#lastError = lost;
    this.#scheduleRetry(lost);
  }

  #attemptFailed(generation: number, error: Error): void {
    if (generation !== this.#generation || this.#disposed) return;
    this.#log(error instanceof AuthenticationError ? 'error' : 'warn', `Connection attempt failed: ${error.message}`);
    this.#lastError = error;
    if (this.#everConnected) this.#lostSinceConnected = true;
    if (this.#socket) {
      const socket = this.#socket;
      this.#socket = undefined;
      socket.terminate();
    }
    this.#clearKeepAlive();
    this.#rejectAllPending(new ConnectionLostError(error.message));
    this.#scheduleRetry(error);
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
    this.#log('info', `Reconnecting in ${Math.round(delay / 100) / 10} s.`);
    this.#retryTimer = setTimeout(() => {
      this.#retryTimer = undefined;
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
    this.#clearKeepAlive();
    const socket = this.#socket;
    this.#socket = undefined;
    if (socket) {
      this.#log('info', `Closing the connection: ${why}.`);
      if (socket.readyState === WebSocket.OPEN) socket.close(1000, why);
      else socket.terminate();
    }
    this.#rejectAllPending(error);
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

  // ---- Keep-alive ----

  #scheduleKeepAlive(): void {
    this.#clearKeepAlive();
    if (this.#opts.keepAliveMs <= 0 || this.#state !== 'connected') return;
    this.#keepAliveTimer = setTimeout(() => {
      this.#keepAliveTimer = undefined;
      const socket = this.#socket;
      if (!socket || this.#state !== 'connected') return;
      const started = performance.now();
      this.#send('ping', {}, ['pong']).then(
        () => {
          this.#setLatency(performance.now() - started);
          if (socket === this.#socket) this.#scheduleKeepAlive();
        },
        (error: unknown) => {
          if (socket !== this.#socket) return;
          if (error instanceof RequestTimeoutError) {
            this.#log('warn', 'No answer to the keep-alive ping: the connection is dead.');
            this.#lostReason ??= 'no answer to the keep-alive ping';
            // 'close' follows terminate(): the usual lost-connection path rejects and reconnects.
            socket.terminate();
          } else {
            // The server answered (a 666 meant for the ping, say): it is alive, keep pinging.
            this.#scheduleKeepAlive();
          }
        },
      );
    }, this.#opts.keepAliveMs);
  }

  #clearKeepAlive(): void {
    if (this.#keepAliveTimer) clearTimeout(this.#keepAliveTimer);
    this.#keepAliveTimer = undefined;
  }

  // ---- Requests and replies ----

  /**
   * Sends one request and resolves with the reply that answers it (PROTOCOL
   * §4): the oldest pending request expecting the reply's code, whose echoed
   * ids match. A 666 rejects the oldest pending request with ServerError.
   * Rejects with NotConnectedError unless connected. Never re-sent.
   */
  request<K extends ResName>(opName: OpName, params: Record<string, unknown>, expected: readonly K[], echo: EchoIds = {}): Promise<MessageOf<K>> {
    if (this.#disposed) throw new DisposedError();
    if (expected.length === 0) throw new InvalidArgumentError('A request must expect at least one response code.');
    if (this.#state !== 'connected') return Promise.reject(new NotConnectedError());
    return this.#send(opName, params, expected, echo);
  }

  /** Sends on the current socket whatever the state (used during the handshake too). */
  #send<K extends ResName>(opName: OpName, params: Record<string, unknown>, expected: readonly K[], echo: EchoIds = {}): Promise<MessageOf<K>> {
    const socket = this.#socket;
    if (!socket || socket.readyState !== WebSocket.OPEN) return Promise.reject(new NotConnectedError());
    const codes = this.#codes;
    return new Promise<MessageOf<K>>((resolve, reject) => {
      const entry: Pending = {
        opName,
        expected: new Set(expected.map((name) => codes.res(name))),
        echo,
        resolve: resolve as (message: ServerMessage) => void,
        reject,
        timer: undefined,
      };
      entry.timer = setTimeout(() => {
        entry.timer = undefined;
        if (!this.#removePending(entry)) return;
        reject(new RequestTimeoutError(opName, this.#opts.requestTimeoutMs));
        // Replies carry no request id: a late reply (or late 666) to this request would be
        // taken for a later one's. Once connected, nothing on this socket can be trusted
        // any more, so end it; pending requests fail as "outcome unknown" and lists are re-read
        // after reconnecting. (During the handshake, get_opcodes has its documented fallback.)
        if (this.#state === 'connected' && socket === this.#socket) {
          this.#lostReason ??= opName === 'ping' ? 'no answer to the keep-alive ping' : `no reply to ${opName} in time; later replies could no longer be matched`;
          socket.terminate();
        }
      }, this.#opts.requestTimeoutMs);
      this.#pending.push(entry);
      this.#log('trace', `→ ${opName}`);
      socket.send(encodeRequest(codes.op(opName), params), (error) => {
        // A failed write means the socket is going down; 'close' rejects everything pending.
        if (error) this.#log('debug', `Write of ${opName} failed: ${error.message}`);
      });
    });
  }

  #removePending(entry: Pending): boolean {
    const index = this.#pending.indexOf(entry);
    if (index < 0) return false;
    this.#pending.splice(index, 1);
    if (entry.timer) clearTimeout(entry.timer);
    entry.timer = undefined;
    return true;
  }

  #rejectAllPending(error: Error): void {
    const all = this.#pending;
    this.#pending = [];
    for (const entry of all) {
      if (entry.timer) clearTimeout(entry.timer);
      entry.timer = undefined;
      entry.reject(error);
    }
  }

  #onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    const message = decodeFrame(data, isBinary, this.#codes);
    if (message instanceof ProtocolError) {
      this.#reportProtocolError(message);
      // A known reply with wrong fields fails the request that was waiting for that code, rather than leaving it to time out.
      if (message.res !== undefined) {
        const entry = this.#pending.find((p) => p.expected.has(message.res as number));
        if (entry && this.#removePending(entry)) entry.reject(message);
      }
      return;
    }
    this.#log('trace', `← ${message.name ?? 'unknown'} (${message.res})`);
    if (message.name === 'error' && this.#pending.length > 0) {
      const entry = this.#pending[0];
      this.#removePending(entry);
      entry.reject(new ServerError(message.body.text));
      return;
    }
    const entry = this.#pending.find((p) => p.expected.has(message.res) && echoMatches(p.echo, message.body));
    if (entry) {
      this.#removePending(entry);
      entry.resolve(message);
      return;
    }
    this.#eventEmitter.fire(message);
  }

  #reportProtocolError(error: ProtocolError): void {
    this.#log('warn', error.message);
    this.#protocolErrorEmitter.fire(error);
  }

  // ---- Typed calls ----

  /** Round trip in ms. */
  ping(): Promise<number> {
    this.checkUsable();
    const started = performance.now();
    return this.request('ping', {}, ['pong']).then(() => this.#setLatency(performance.now() - started));
  }

  getOpcodes(): Promise<ResponseBodies['opcodes']> {
    this.checkUsable();
    return this.request('get_opcodes', {}, ['opcodes']).then((m) => m.body);
  }

  /**
   * Opens a game source; resolves with its id. Throws InvalidArgumentError at
   * once (nothing sent) for an empty name or a description over 512 characters.
   */
  openGameSource(name: string, description?: string): Promise<string> {
    this.checkUsable();
    if (typeof name !== 'string' || name.trim() === '') throw new InvalidArgumentError('A game source needs a name.');
    const params: Record<string, unknown> = { source_name: name.trim() };
    if (description !== undefined) {
      if (typeof description !== 'string') throw new InvalidArgumentError('The description must be text.');
      const length = characterCount(description);
      if (length > MAX_DESCRIPTION_LENGTH) throw new InvalidArgumentError(`The description is ${length} characters long; at most ${MAX_DESCRIPTION_LENGTH} are allowed.`);
      if (description !== '') params.description = description;
    }
    return this.request('open_game_source', params, ['game_source_opened']).then((m) => m.body.source_id);
  }

  /** Closes a game source (destructive: closes its games and resolves their pools). */
  closeGameSource(sourceId: string): Promise<void> {
    this.checkUsable();
    const source_id = nonEmptyId(sourceId, 'The source id');
    return this.request('close_game_source', { source_id }, ['game_source_closed'], { source_id }).then(() => undefined);
  }

  listGameSources(): Promise<SourceInfo[]> {
    this.checkUsable();
    return this.request('list_game_sources_i_am_admin_of', {}, ['game_sources_i_am_admin_of_list']).then((m) => m.body.sources);
  }

  listGamesForSource(sourceId: string): Promise<ActiveGame[]> {
    this.checkUsable();
    const source_id = nonEmptyId(sourceId, 'The source id');
    return this.request('list_games_for_source', { source_id }, ['games_for_source_list'], { source_id }).then((m) => m.body.games);
  }

  listUpcomingGamesForSource(sourceId: string): Promise<UpcomingGame[]> {
    this.checkUsable();
    const source_id = nonEmptyId(sourceId, 'The source id');
    return this.request('list_upcoming_games_for_source', { source_id }, ['upcoming_games_for_source_list'], { source_id }).then((m) => m.body.games);
  }

  /** Subscribes to a game's broadcasts. */
  joinGame(gameId: string): Promise<void> {
    this.checkUsable();
    const game_id = nonEmptyId(gameId, 'The game id');
    return this.request('join_game', { game_id }, ['game_joined'], { game_id }).then(() => undefined);
  }

  #setLatency(ms: number): number {
    this.#latencyMs = ms;
    this.#latencyEmitter.fire(ms);
    return ms;
  }

  /** Throws DisposedError once the client is disposed. */
  protected checkUsable(): void {
    if (this.#disposed) throw new DisposedError();
  }

  #log(level: keyof Logger, message: string): void {
    try {
      this.#logger?.[level](message);
    } catch {
      // A broken logger must not break the connection.
    }
  }
}

/** An id the request names must be echoed unchanged when the reply carries that field. */
function echoMatches(echo: EchoIds, body: object): boolean {
  const fields = body as Record<string, unknown>;
  if (echo.source_id !== undefined && typeof fields.source_id === 'string' && fields.source_id !== echo.source_id) return false;
  if (echo.game_id !== undefined && typeof fields.game_id === 'string' && fields.game_id !== echo.game_id) return false;
  return true;
}

function describe(error: unknown): string {
  if (error instanceof Error) {
    const code = (error as Error & { code?: unknown }).code;
    return typeof code === 'string' && !error.message.includes(code) ? `${error.message} (${code})` : error.message;
  }
  return String(error);
}

function stripUndefined<T extends object>(value: T): Partial<T> {
  const out: Partial<T> = {};
  for (const [key, v] of Object.entries(value) as [keyof T, T[keyof T]][]) if (v !== undefined) out[key] = v;
  return out;
}
