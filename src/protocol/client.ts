// InstamrktClient: the protocol layer's one client of the Instamrkt
// WebSocket, a thin facade. The connection (socket, handshake, logon, code
// table, keep-alive, reconnect) is in connection.ts, which request a frame
// answers in requestQueue.ts; this file holds the typed calls and checks
// their arguments before anything is sent. No UI, no `vscode`.
import { CodeTable, OpName, ResName } from './codes';
import { DisposedError, InvalidArgumentError } from './errors';
import { ActiveGame, MessageOf, ResponseBodies, ServerMessage, SourceInfo, UpcomingGame } from './messages';
import { Disposable, Event } from './events';
import { characterCount, MAX_DESCRIPTION_LENGTH } from './limits';
import { ClientOptions, ConnectionState, resolveOptions, StateChangeEvent } from './clientOptions';
import { Connection } from './connection';
import type { EchoIds } from './requestQueue';
import type { ProtocolError } from './errors';

export type { ClientOptions, ConnectionState, Credentials, Logger, StateChangeEvent } from './clientOptions';
export { DEFAULT_KEEP_ALIVE_MS, DEFAULT_MAX_PAYLOAD, DEFAULT_REQUEST_TIMEOUT_MS } from './clientOptions';
export type { EchoIds } from './requestQueue';

export function nonEmptyId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(`${what} must be a non-empty string.`);
  return value;
}

export class InstamrktClient implements Disposable {
  readonly #connection: Connection;

  /** Connection state changes, published from one place. */
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
    this.#connection = new Connection(resolveOptions(options));
    this.onDidChangeState = this.#connection.onDidChangeState;
    this.onEvent = this.#connection.onEvent;
    this.onProtocolError = this.#connection.onProtocolError;
    this.onDidReconnect = this.#connection.onDidReconnect;
    this.onDidMeasureLatency = this.#connection.onDidMeasureLatency;
  }

  // ---- State ----

  get state(): ConnectionState {
    return this.#connection.state;
  }

  /** This connection's code table: the documented codes until its get_opcodes answers, and while disconnected. */
  get codes(): CodeTable {
    return this.#connection.codes;
  }

  /** Round trip of the last keep-alive or ping(), in ms. */
  get latencyMs(): number | undefined {
    return this.#connection.latencyMs;
  }

  /** When the next automatic connection attempt is due (epoch ms), if one is scheduled. */
  get nextRetryAt(): number | undefined {
    return this.#connection.nextRetryAt;
  }

  /** The error that last cost the connection (or stopped an attempt); cleared on connecting. */
  get lastError(): Error | undefined {
    return this.#connection.lastError;
  }

  /** Requests sent and not yet answered. */
  get pendingCount(): number {
    return this.#connection.pendingCount;
  }

  get isDisposed(): boolean {
    return this.#connection.isDisposed;
  }

  // ---- Lifecycle ----

  /**
   * Connects, logs on and fetches the code table; resolves once connected.
   * Rejects with the attempt's error (AuthenticationError for refused
   * credentials or a refused logon). After a failure that is not an
   * authentication one, a retry is scheduled when reconnection is on.
   */
  connect(): Promise<void> {
    return this.#connection.connect();
  }

  /** Closes the connection and stops reconnecting. Pending requests fail with ConnectionLostError. */
  disconnect(): void {
    this.#connection.disconnect();
  }

  /** Ends everything: pending requests fail with DisposedError, timers are cleared, the socket closed. */
  dispose(): void {
    this.#connection.dispose();
  }

  // ---- Requests ----

  /**
   * Sends one request and resolves with the reply that answers it (PROTOCOL
   * §4, see requestQueue.ts). A 666 rejects the oldest pending request with
   * ServerError. A timeout rejects with RequestTimeoutError and ends the
   * connection (a late reply could no longer be matched), failing the other
   * pending requests with ConnectionLostError. Rejects with NotConnectedError
   * unless connected. Never re-sent.
   */
  request<K extends ResName>(opName: OpName, params: Record<string, unknown>, expected: readonly K[], echo: EchoIds = {}): Promise<MessageOf<K>> {
    if (this.#connection.isDisposed) throw new DisposedError();
    if (expected.length === 0) throw new InvalidArgumentError('A request must expect at least one response code.');
    return this.#connection.send(opName, params, expected, echo);
  }

  // ---- Typed calls ----

  /** Round trip in ms. */
  ping(): Promise<number> {
    this.checkUsable();
    const started = performance.now();
    return this.request('ping', {}, ['pong']).then(() => this.#connection.recordLatency(performance.now() - started));
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

  /** Throws DisposedError once the client is disposed. */
  protected checkUsable(): void {
    if (this.#connection.isDisposed) throw new DisposedError();
  }
}
