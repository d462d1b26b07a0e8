// The user's game sources and their games as last read from the server: the
// model the tree renders and the commands change. Plain TypeScript: it talks to
// the server through `SourcesApi` and publishes one change event. An
// operation reports the server's outcome: a failure to save the list locally
// is told on its own (onDidFailToSave), never as the operation's.
import { NotConnectedError, errorMessage } from '../protocol/errors';
import { Emitter, Event } from '../protocol/events';
import type { ActiveGame, ServerMessage, SourceInfo, UpcomingGame } from '../protocol/messages';
import { ListSaver, type SourcesCache } from './listSaver';

export type { CachedSources, SourcesCache } from './listSaver';

/** What the service needs from a connected client (InstamrktClient provides it). */
export interface SourcesApi {
  listGameSources(): Promise<SourceInfo[]>;
  listGamesForSource(sourceId: string): Promise<ActiveGame[]>;
  listUpcomingGamesForSource(sourceId: string): Promise<UpcomingGame[]>;
  openGameSource(name: string, description?: string): Promise<string>;
  closeGameSource(sourceId: string): Promise<void>;
  joinGame(gameId: string): Promise<unknown>;
}

export interface GamesOfSource {
  active: ActiveGame[];
  upcoming: UpcomingGame[];
}

export interface SourceEntry {
  info: SourceInfo;
  sortKey: string;
  /** Undefined until first asked for (the tree loads games when a source is expanded). */
  games?: GamesOfSource;
  gamesError?: string;
}

export type ListState =
  | { kind: 'empty' } // nothing known (signed out, or never loaded and no cache)
  | { kind: 'stale'; since: number | undefined } // the cached or last-known list, while offline
  | { kind: 'live' }; // as the server last said

export interface SourcesChange {
  /** Undefined: the whole list changed. Otherwise the one source whose games changed. */
  sourceId?: string;
}

export interface CloseResult {
  closed: string[];
  failed: { id: string; name: string; error: unknown }[];
}

/**
 * Case- and accent-insensitive sort key, computed once per source. Comparing
 * these with < is several times faster than a collator on 10,000 names, and
 * localeCompare with options (a new collator per call) is 25× slower.
 */
export function sortKey(name: string): string {
  return name.normalize('NFKD').replace(/[\u0300-\u036f]/g, '').toLowerCase();
}

function byName(a: SourceEntry, b: SourceEntry): number {
  // Stryker disable next-line EqualityOperator: under a.sortKey !== b.sortKey, <= is <
  if (a.sortKey !== b.sortKey) return a.sortKey < b.sortKey ? -1 : 1;
  if (a.info.id < b.info.id) return -1;
  // Stryker disable next-line EqualityOperator: ids are unique in the list, so >= is >
  return a.info.id > b.info.id ? 1 : 0;
}

export class SourceService {
  #entries = new Map<string, SourceEntry>();
  #sorted: SourceEntry[] | undefined;
  #listState: ListState = { kind: 'empty' };
  #api: SourcesApi | undefined;
  #loading: Promise<void> | undefined;
  readonly #changed = new Emitter<SourcesChange>();
  /** Fires after any change to the list, a source's games, or the list state. */
  readonly onDidChange: Event<SourcesChange> = this.#changed.event;
  /** The list could not be saved for offline use (once per run of failures; each is also passed to onError). */
  readonly onDidFailToSave: Event<unknown>;

  readonly #saver: ListSaver;
  readonly #onError: (context: string, error: unknown) => void;
  readonly #now: () => number;

  constructor(cache: SourcesCache | undefined, onError: (context: string, error: unknown) => void = () => undefined, now: () => number = Date.now) {
    this.#onError = onError;
    this.#now = now;
    this.#saver = new ListSaver(cache, (err) => this.#report('cache', err), now);
    this.onDidFailToSave = this.#saver.onDidFail;
  }

  get state(): ListState {
    return this.#listState;
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

  /** Shows the cached list (marked stale) until the server answers. */
  showCached(): void {
    const cached = this.#saver.load();
    if (!cached || this.#listState.kind === 'live') return;
    this.#replace(cached.sources.map((s) => ({ id: s.id, name: s.name, description: '' })));
    this.#listState = { kind: 'stale', since: cached.savedAt };
    this.#changed.fire({});
  }

  /** A connection is up: re-read everything from the server. */
  async attach(api: SourcesApi): Promise<void> {
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

  /** Signed out: forget the list and the cache. */
  async clear(): Promise<void> {
    this.#api = undefined;
    this.#entries.clear();
    this.#sorted = undefined;
    this.#listState = { kind: 'empty' };
    this.#changed.fire({});
    await this.#saver.clear();
  }

  /** Re-reads the source list (op 611) and the games of every source whose games were already shown. Concurrent calls share one read. */
  refresh(): Promise<void> {
    if (!this.#loading) {
      this.#loading = this.#load().finally(() => {
        this.#loading = undefined;
      });
    }
    return this.#loading;
  }

  async #load(): Promise<void> {
    const api = this.#requireApi();
    const sources = await api.listGameSources();
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
    try {
      const [active, upcoming] = await Promise.all([api.listGamesForSource(sourceId), api.listUpcomingGamesForSource(sourceId)]);
      const games = { active: active.filter((g) => g.status !== 'game_closed'), upcoming };
      const entry = this.#entries.get(sourceId);
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
      const entry = this.#entries.get(sourceId);
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
    const id = await api.openGameSource(name, description);
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
    for (const id of ids) {
      const name = this.#entries.get(id)?.info.name ?? id;
      try {
        await this.#requireApi().closeGameSource(id);
        this.#entries.delete(id);
        this.#sorted = undefined;
        result.closed.push(id);
        this.#changed.fire({});
      } catch (error) {
        result.failed.push({ id, name, error });
      }
    }
    if (result.closed.length) void this.#persist();
    return result;
  }

  /** Applies a broadcast from the server. */
  handleEvent(message: ServerMessage): void {
    if (message.name === 'game_closed') {
      const gameId = message.body.game_id;
      for (const entry of this.#entries.values()) {
        const games = entry.games;
        if (!games) continue;
        const before = games.active.length;
        games.active = games.active.filter((g) => g.game_id !== gameId);
        if (games.active.length !== before) this.#changed.fire({ sourceId: entry.info.id });
      }
    } else if (message.name === 'game_source_closed') {
      if (this.#entries.delete(message.body.source_id)) {
        this.#sorted = undefined;
        this.#changed.fire({});
        void this.#persist();
      }
    }
  }

  dispose(): void {
    this.#changed.dispose();
    this.#saver.dispose();
  }

  #replace(sources: readonly SourceInfo[]): void {
    const previous = this.#entries;
    this.#entries = new Map();
    for (const info of sources) {
      this.#entries.set(info.id, { info, sortKey: sortKey(info.name), games: previous.get(info.id)?.games });
    }
    this.#sorted = undefined;
  }

  /** Saves ids and names for offline use. Never rejects: a failure is reported through the saver. */
  #persist(): Promise<void> {
    return this.#saver.save(this.list().map((e) => e.info));
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
