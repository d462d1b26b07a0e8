// InstamrktClient: the protocol layer's one client of the Instamrkt
// WebSocket: the typed calls, each checking its arguments before anything is
// sent, on top of the Connection (connection.ts: socket, handshake, logon,
// code table, keep-alive, reconnect, state). Which request a frame answers is
// decided in requestQueue.ts. No UI, no `vscode`.
import type { OpName, ResName } from './codes';
import { DisposedError, InvalidArgumentError } from './errors';
import type { ActiveGame, MessageOf, ResponseBodies, SourceInfo, UpcomingGame } from './messages';
import type { Disposable } from './events';
import { characterCount, MAX_DESCRIPTION_LENGTH } from './limits';
import { ClientOptions, resolveOptions } from './clientOptions';
import { Connection } from './connection';
import type { EchoIds } from './requestQueue';

export type { ClientOptions, ConnectionState, Credentials, Logger, StateChangeEvent } from './clientOptions';
export { DEFAULT_KEEP_ALIVE_MS, DEFAULT_MAX_PAYLOAD, DEFAULT_REQUEST_TIMEOUT_MS } from './clientOptions';
export type { EchoIds } from './requestQueue';

export function nonEmptyId(value: unknown, what: string): string {
  if (typeof value !== 'string' || value.trim() === '') throw new InvalidArgumentError(`${what} must be a non-empty string.`);
  return value;
}

/**
 * The client: a Connection (state, lifecycle, events) plus the typed calls,
 * which check their arguments at once and send nothing when they are wrong.
 */
export class InstamrktClient extends Connection implements Disposable {
  /**
   * Throws InsecureUrlError for ws:// to a host other than loopback, and
   * InvalidArgumentError for bad options; it does not connect.
   */
  constructor(options: ClientOptions) {
    super(resolveOptions(options));
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
    if (this.isDisposed) throw new DisposedError();
    if (expected.length === 0) throw new InvalidArgumentError('A request must expect at least one response code.');
    return this.send(opName, params, expected, echo);
  }

  // ---- Typed calls ----

  /** Round trip in ms. */
  ping(): Promise<number> {
    // Stryker disable next-line CallExpression: request() throws the same DisposedError first thing, and nothing before it has an effect.
    this.checkUsable();
    const started = performance.now();
    return this.request('ping', {}, ['pong']).then(() => this.recordLatency(performance.now() - started));
  }

  getOpcodes(): Promise<ResponseBodies['opcodes']> {
    // Stryker disable next-line CallExpression: request() throws the same DisposedError first thing, and nothing before it has an effect.
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

  /** Closes one game (destructive: resolves its pools; a pool awaiting manual resolution makes the server refuse, having stopped betting). */
  closeGame(gameId: string): Promise<void> {
    this.checkUsable();
    const game_id = nonEmptyId(gameId, 'The game id');
    return this.request('close_game', { game_id }, ['game_closed'], { game_id }).then(() => undefined);
  }

  listGameSources(): Promise<SourceInfo[]> {
    // Stryker disable next-line CallExpression: request() throws the same DisposedError first thing, and nothing before it has an effect.
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
    if (this.isDisposed) throw new DisposedError();
  }
}
