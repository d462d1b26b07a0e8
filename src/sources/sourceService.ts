// The user's game sources and their games as last read from the server: the
// model the tree renders and the commands change. Plain TypeScript: it talks to
// the server through `SourcesApi` and publishes one change event. An
// operation reports the server's outcome: a failure to save the list locally
// is told on its own (onDidFailToSave), never as the operation's.
import { Emitter, errorMessage, Event, NotConnectedError, ServerError, type ServerMessage, type SourceInfo } from '../protocol';
import { logged, type ActivityLogger } from './activity';
import { ListSaver, type SourcesCache } from './listSaver';
import { byName, type CloseResult, type GamesOfSource, type ListState, type SourceEntry, type SourcesApi, type SourcesChange, sortKey } from './sourceModel';

export { listOwner, type CachedSources, type SourcesCache } from './listSaver';
export { sortKey } from './sourceModel';
export type { CloseResult, GamesOfSource, ListState, SourceEntry, SourcesApi, SourcesChange } from './sourceModel';

export class SourceService {
  #entries = new Map<string, SourceEntry>();
  #sorted: SourceEntry[] | undefined;
  #listState: ListState = { kind: 'empty' };
  #api: SourcesApi | undefined;
  /** Whose list this is (server and user, see listOwner): saves go under it, whoever is signed in by then. */
  #owner: string | undefined;
  /** Changes whenever the list is forgotten or changes owner: a reply that arrives across it changes nothing. */
  #generation = 0;
  /** The read in flight, shared by concurrent refreshes over the same connection. */
  #loading: { api: SourcesApi; done: Promise<void> } | undefined;
  readonly #changed = new Emitter<SourcesChange>();
  /** Fires after any change to the list, a source's games, or the list state. */
  readonly onDidChange: Event<SourcesChange> = this.#changed.event;
  /** The list could not be saved for offline use (once per run of failures; each is also passed to onError). */
  readonly onDidFailToSave: Event<unknown>;

  readonly #saver: ListSaver;
  readonly #onError: (context: string, error: unknown) => void;
  readonly #now: () => number;
  /** Told each open and close with its outcome and duration. */
  readonly #activity: ActivityLogger;

  constructor(cache: SourcesCache | undefined, onError: (context: string, error: unknown) => void = () => undefined, now: () => number = Date.now, activity: ActivityLogger = { info: () => undefined, warn: () => undefined }) {
    this.#onError = onError;
    this.#now = now;
    this.#activity = activity;
    this.#saver = new ListSaver(cache, (err) => this.#report('cache', err), now);
    this.onDidFailToSave = this.#saver.onDidFail;
  }

  get state(): ListState {
    return this.#listState;
  }

  /** Whose list is shown (server and user, see listOwner), if anyone's. */
  get owner(): string | undefined {
    return this.#owner;
  }

  /** Sources sorted by name (case-insensitive), then id. */
  list(): readonly SourceEntry[] {
    // Stryker disable next-line ConditionalExpression: a cache only; sorting again on every call gives the same list
    if (!this.#sorted) this.#sorted = [...this.#entries.values()].sort(byName);
    return this.#sorted;
  }

  get(id: string): SourceEntry | undefined {
    return this.#entries.get(id);
  }

  /** Shows the owner's cached list (marked stale) until the server answers. */
  showCached(owner: string | undefined): void {
    if (!owner || (owner === this.#owner && this.#listState.kind === 'live')) return;
    this.#adopt(owner);
    const cached = this.#saver.load(owner);
    if (!cached) return;
    this.#replace(cached.sources.map((s) => ({ id: s.id, name: s.name, description: '' })));
    this.#listState = { kind: 'stale', since: cached.savedAt };
    this.#changed.fire({});
  }

  /** A connection is up, for the account named by `owner`: re-read everything from the server. Another owner's list is forgotten first. */
  async attach(api: SourcesApi, owner: string | undefined): Promise<void> {
    this.#adopt(owner);
    this.#api = api;
    await this.refresh();
  }

  /** The connection went away: keep what we know, marked stale since now. */
  detach(): void {
    this.#api = undefined;
    if (this.#listState.kind === 'live') {
      this.#listState = { kind: 'stale', since: this.#now() };
      this.#changed.fire({});
    }
  }

  /**
   * Signed out, or the account changed: forget the list shown. The saved lists stay where they are,
   * each under its own account (a sign-out removes them all, through the cache itself).
   */
  clear(): void {
    this.#api = undefined;
    this.#saver.forget();
    this.#forget(undefined);
  }

  /** Re-reads the source list (op 611) and the games of every source whose games were already shown. Concurrent calls over one connection share one read. */
  refresh(): Promise<void> {
    const api = this.#api;
    if (!api) return Promise.reject(new NotConnectedError());
    if (this.#loading?.api !== api) {
      const loading = { api, done: this.#load(api) };
      this.#loading = loading;
      void loading.done.finally(() => {
        if (this.#loading === loading) this.#loading = undefined;
      }).catch(() => undefined);
    }
    return this.#loading.done;
  }

  async #load(api: SourcesApi): Promise<void> {
    const generation = this.#generation;
    const sources = await api.listGameSources();
    // Read for a list that has since been forgotten or given to another account: not this list's truth.
    if (generation !== this.#generation) return;
    const hadGames = new Set([...this.#entries.values()].filter((e) => e.games || e.gamesError).map((e) => e.info.id));
    this.#replace(sources);
    this.#listState = { kind: 'live' };
    this.#changed.fire({});
    // The cache write (10,000 rows is ~600 KB to the main process) need not hold up the refresh.
    void this.#persist();
    await Promise.all([...hadGames].filter((id) => this.#entries.has(id)).map((id) => this.loadGames(id).catch(() => undefined)));
  }

  /** The games of one source, read from the server the first time and after a refresh. */
  async games(sourceId: string): Promise<GamesOfSource> {
    const entry = this.#entries.get(sourceId);
    if (entry?.games) return entry.games;
    return this.loadGames(sourceId);
  }

  /** Reads active (op 380) and upcoming (op 3811) games afresh, and subscribes to the active ones so their broadcasts reach us. */
  async loadGames(sourceId: string): Promise<GamesOfSource> {
    const api = this.#requireApi();
    const generation = this.#generation;
    /** The source's row, unless the list has been forgotten or changed owner meanwhile. */
    const row = () => (generation === this.#generation ? this.#entries.get(sourceId) : undefined);
    try {
      const [active, upcoming] = await Promise.all([api.listGamesForSource(sourceId), api.listUpcomingGamesForSource(sourceId)]);
      const games = { active: active.filter((g) => g.status !== 'game_closed'), upcoming };
      const entry = row();
      if (entry) {
        entry.games = games;
        entry.gamesError = undefined;
        this.#changed.fire({ sourceId });
      }
      for (const g of games.active) {
        api.joinGame(g.game_id).catch((err) => this.#report(`join_game ${g.game_id}`, err));
      }
      return games;
    } catch (err) {
      const entry = row();
      if (entry) {
        entry.gamesError = errorMessage(err);
        this.#changed.fire({ sourceId });
      }
      throw err;
    }
  }

  /**
   * Opens a source (op 365) and adds it to the list; returns its id. Once the
   * server has opened it this resolves: nothing local can make it a failure,
   * which a retry would turn into a duplicate.
   */
  async open(name: string, description?: string): Promise<string> {
    const api = this.#requireApi();
    const generation = this.#generation;
    const id = await logged(this.#activity, `Open game source "${name}"`, () => api.openGameSource(name, description), (opened) => `opened ${opened}`);
    // Opened all the same; but the list shown now is another account's (or none).
    if (generation !== this.#generation) return id;
    this.#entries.set(id, { info: { id, name: name.trim(), description: description ?? '' }, sortKey: sortKey(name.trim()), games: { active: [], upcoming: [] } });
    this.#sorted = undefined;
    this.#changed.fire({});
    void this.#persist();
    // The server's own list has the final word (names may be normalised there).
    this.refresh().catch((err) => this.#report('refresh after open', err));
    return id;
  }

  /**
   * Closes sources one after another (op 366), never retrying. A source whose
   * close failed stays in the list; one whose outcome is unknown (connection
   * lost) is settled by the re-read after reconnecting.
   */
  async close(ids: readonly string[]): Promise<CloseResult> {
    const result: CloseResult = { closed: [], failed: [] };
    const generation = this.#generation;
    for (const id of ids) {
      const name = this.#entries.get(id)?.info.name ?? id;
      try {
        await logged(this.#activity, `Close game source "${name}" (${id})`, () => this.#requireApi().closeGameSource(id), () => 'closed');
        result.closed.push(id);
        // The list shown now is another account's (or none): closed all the same, nothing here to change.
        if (generation !== this.#generation) continue;
        this.#entries.delete(id);
        this.#sorted = undefined;
        this.#changed.fire({});
      } catch (error) {
        result.failed.push({ id, name, error });
      }
    }
    if (result.closed.length) void this.#persist(); // the list shown now, whoever's: unchanged lists are not written again
    return result;
  }

  /**
   * Closes one game (op 375), never retrying. A refusal re-reads the source's games (the server may have
   * stopped betting all the same); an unknown outcome (connection lost) is settled by the re-read on reconnect.
   */
  async closeGame(sourceId: string, gameId: string): Promise<void> {
    try {
      await this.#requireApi().closeGame(gameId);
    } catch (err) {
      if (err instanceof ServerError) this.loadGames(sourceId).catch((e) => this.#report(`games of ${sourceId}`, e));
      throw err;
    }
    this.#dropGame(gameId);
  }

  /** Applies a broadcast from the server. */
  handleEvent(message: ServerMessage): void {
    if (message.name === 'game_closed') this.#dropGame(message.body.game_id);
    else if (message.name === 'game_source_closed' && this.#entries.delete(message.body.source_id)) {
      this.#sorted = undefined;
      this.#changed.fire({});
      void this.#persist();
    }
  }

  dispose(): void {
    this.#changed.dispose();
    this.#saver.dispose();
  }

  /** A closed game leaves whichever list holds it. */
  #dropGame(gameId: string): void {
    for (const entry of this.#entries.values()) {
      const games = entry.games;
      if (!games) continue;
      const [active, upcoming] = [games.active.length, games.upcoming.length];
      games.active = games.active.filter((g) => g.game_id !== gameId);
      games.upcoming = games.upcoming.filter((g) => g.id !== gameId);
      if (games.active.length !== active || games.upcoming.length !== upcoming) this.#changed.fire({ sourceId: entry.info.id });
    }
  }

  #replace(sources: readonly SourceInfo[]): void {
    const previous = this.#entries;
    this.#entries = new Map();
    for (const info of sources) {
      this.#entries.set(info.id, { info, sortKey: sortKey(info.name), games: previous.get(info.id)?.games });
    }
    this.#sorted = undefined;
  }

  /** Saves ids and names for offline use, under the list's owner. Never rejects: a failure is reported through the saver. */
  async #persist(): Promise<void> {
    if (this.#owner) await this.#saver.save(this.#owner, this.list().map((e) => e.info));
  }

  /** The list is to be `owner`'s: another owner's is forgotten first. */
  #adopt(owner: string | undefined): void {
    if (owner !== this.#owner) this.#forget(owner);
  }

  /** Empties the list and gives it to `owner`; replies to earlier reads then change nothing. */
  #forget(owner: string | undefined): void {
    const shown = this.#listState.kind !== 'empty'; // rows exist only in a live or stale list
    this.#owner = owner;
    // Stryker disable next-line UpdateOperator: any change of the number will do; it is only compared for equality
    this.#generation++;
    this.#loading = undefined;
    this.#entries.clear();
    this.#sorted = undefined;
    this.#listState = { kind: 'empty' };
    if (shown) this.#changed.fire({});
  }

  /** Tells onError, which must not be able to fail the caller (it logs, and logging can fail). */
  #report(context: string, error: unknown): void {
    try {
      this.#onError(context, error);
    } catch {
      // The reporter failed; the operation's outcome stands.
    }
  }

  #requireApi(): SourcesApi {
    if (!this.#api) throw new NotConnectedError();
    return this.#api;
  }
}
