// Game sources, their games and their pools: who may do what, how a game's
// status follows from its times, and the close cascade (PROTOCOL §7–§9).
// Functions change the state and return the broadcasts that follow; they
// throw BadRequest (→ 666) for anything refused. No sockets here.
import { randomUUID } from 'node:crypto';
import { DEFAULT_RESPONSES, GameStatus } from '../protocol';
import { BadRequest, clip } from './fields';
import { EmulatorState, GameRecord, PoolRecord, PoolType, SourceRecord, TargetRecord, UserRecord } from './state';
import { targetIds } from './targets';

/** A message for every subscriber of one game. */
export interface GameBroadcast {
  gameId: string;
  res: number;
  body: Record<string, unknown>;
}

const R = DEFAULT_RESPONSES;

/** Pool types 2 (parimutuel-time) and 4 (binary-time) expire on their own; 1 and 3 wait for an event. */
export function isTimeBased(type: PoolType): boolean {
  return type === 2 || type === 4;
}

export const AWAITING_MANUAL_RESOLUTION = 'Game has pools awaiting manual resolution; it will close when they are resolved.';

// ---- Lookups that never reveal whether a foreign id exists ----

function adminSource(state: EmulatorState, userId: number, sourceId: string): SourceRecord {
  const s = state.sources.get(sourceId);
  if (!s || s.adminId !== userId) throw new BadRequest(`No game source "${clip(sourceId)}" administered by you.`);
  return s;
}

function adminGame(state: EmulatorState, userId: number, gameId: string): GameRecord {
  const g = state.games.get(gameId);
  if (!g || g.adminId !== userId) throw new BadRequest(`No game "${clip(gameId)}" administered by you.`);
  return g;
}

// ---- Status ----

/**
 * Closed and betting-closed are stored; the rest follows from the times: a
 * game whose `open_at` lies ahead is upcoming (betting_not_yet_active), one
 * whose `live_start_at` lies ahead takes pre-game bets, any other is live.
 */
export function gameStatus(g: GameRecord, now: number): GameStatus {
  if (g.closed) return 'game_closed';
  if (g.bettingClosed) return 'game_in_progress_betting_closed';
  if (g.openAt !== undefined && g.openAt > now) return 'betting_not_yet_active';
  if (g.liveStartAt !== undefined && g.liveStartAt > now) return 'pre_game_betting_active';
  return 'game_in_progress_betting_active';
}

// ---- Lookup indexes ----
// Lists by owner are asked for on every call; scanning every record would make
// a long-running emulator (or a benchmark with thousands of sources) slow. The
// indexes are derived from the state on first use and kept current here, the
// only module that adds sources, games and pools. Nothing is ever deleted.

interface Indexes {
  sourcesByAdmin: Map<number, SourceRecord[]>;
  gamesBySource: Map<string, GameRecord[]>;
  gamesByAdmin: Map<number, GameRecord[]>;
  poolsByGame: Map<string, PoolRecord[]>;
}

const indexes = new WeakMap<EmulatorState, Indexes>();

function push<K, V>(map: Map<K, V[]>, key: K, value: V): void {
  const list = map.get(key);
  if (list) list.push(value);
  else map.set(key, [value]);
}

function indexOf(state: EmulatorState): Indexes {
  let ix = indexes.get(state);
  if (!ix) {
    ix = { sourcesByAdmin: new Map(), gamesBySource: new Map(), gamesByAdmin: new Map(), poolsByGame: new Map() };
    for (const s of state.sources.values()) push(ix.sourcesByAdmin, s.adminId, s);
    for (const g of state.games.values()) {
      push(ix.gamesBySource, g.sourceId, g);
      push(ix.gamesByAdmin, g.adminId, g);
    }
    for (const p of state.pools.values()) push(ix.poolsByGame, p.gameId, p);
    indexes.set(state, ix);
  }
  return ix;
}

function gamesOf(state: EmulatorState, sourceId: string): GameRecord[] {
  return indexOf(state).gamesBySource.get(sourceId) ?? [];
}

// ---- Sources ----

export function openSource(state: EmulatorState, user: UserRecord, name: string, description: string, now: number): SourceRecord {
  if (!user.developer) throw new BadRequest('You are not authorized to open a game source.');
  const source: SourceRecord = { id: randomUUID(), name, description, adminId: user.id, closed: false, createdAt: now };
  const ix = indexOf(state);
  state.sources.set(source.id, source);
  push(ix.sourcesByAdmin, source.adminId, source);
  return source;
}

export function listOpenSources(state: EmulatorState, userId: number): SourceRecord[] {
  return (indexOf(state).sourcesByAdmin.get(userId) ?? []).filter((s) => !s.closed);
}

/** The games of a source an admin may list (the source may be closed: its list is then empty). */
export function sourceGames(state: EmulatorState, userId: number, sourceId: string): GameRecord[] {
  return gamesOf(state, adminSource(state, userId, sourceId).id);
}

function resolution(pool: PoolRecord): Record<string, unknown> {
  return {
    pool_id: pool.id,
    game_id: pool.gameId,
    winning_target: 'none',
    description: pool.description,
    winners: {},
    losers: {},
    invalidated_bettors: [],
  };
}

function expirePool(pool: PoolRecord, now: number): GameBroadcast {
  pool.state = 'expired';
  return { gameId: pool.gameId, res: R.bet_pool_expired, body: { ...resolution(pool), is_money_return: false, expired_at: now } };
}

function returnPool(pool: PoolRecord, now: number): GameBroadcast {
  pool.state = 'resolved';
  return { gameId: pool.gameId, res: R.bet_pool_resolved, body: { ...resolution(pool), is_money_return: true, resolved_at: now } };
}

function poolsOf(state: EmulatorState, gameId: string): PoolRecord[] {
  return indexOf(state).poolsByGame.get(gameId) ?? [];
}

/**
 * Closes a source and everything under it: each game still open has its
 * pools resolved to `none` (time pools expire, event pools — open or blocked
 * — return the money) and is closed with a 341 broadcast.
 */
export function closeSource(state: EmulatorState, userId: number, sourceId: string, now: number): GameBroadcast[] {
  const source = adminSource(state, userId, sourceId);
  if (source.closed) throw new BadRequest(`Game source "${clip(sourceId)}" is already closed.`);
  const events: GameBroadcast[] = [];
  for (const game of gamesOf(state, source.id)) {
    if (game.closed) continue;
    for (const pool of poolsOf(state, game.id)) {
      if (pool.state === 'open' && isTimeBased(pool.type)) events.push(expirePool(pool, now));
      else if (pool.state === 'open' || pool.state === 'blocked') events.push(returnPool(pool, now));
    }
    game.closed = true;
    events.push({ gameId: game.id, res: R.game_closed, body: { game_id: game.id } });
  }
  source.closed = true;
  return events;
}

// ---- Games ----

export interface NewGame {
  sourceId: string;
  name: string;
  type: string | number;
  actions: string[];
  targets: TargetRecord[];
  openAt?: number;
  closeAt?: number;
  liveStartAt?: number;
  currency?: string;
  hashtag?: string;
  imageUrl?: string;
}

export function createGame(state: EmulatorState, userId: number, spec: NewGame, now: number): GameRecord {
  const source = adminSource(state, userId, spec.sourceId);
  if (source.closed) throw new BadRequest(`Game source "${clip(spec.sourceId)}" is closed; it cannot host new games.`);
  const game: GameRecord = {
    id: randomUUID(),
    sourceId: source.id,
    adminId: userId,
    name: spec.name,
    type: spec.type,
    currency: spec.currency,
    hashtag: spec.hashtag,
    imageUrl: spec.imageUrl,
    openAt: spec.openAt,
    closeAt: spec.closeAt,
    liveStartAt: spec.liveStartAt,
    createdAt: now,
    closed: false,
    bettingClosed: false,
    actions: spec.actions.map((name) => ({ action_id: randomUUID(), name })),
    targets: spec.targets,
    subscribers: [userId],
  };
  const ix = indexOf(state);
  state.games.set(game.id, game);
  push(ix.gamesBySource, game.sourceId, game);
  push(ix.gamesByAdmin, game.adminId, game);
  return game;
}

export function adminGames(state: EmulatorState, userId: number): GameRecord[] {
  return (indexOf(state).gamesByAdmin.get(userId) ?? []).filter((g) => !g.closed);
}

/** Subscribes a user to a game's broadcasts; any user may join any game still open. */
export function joinGame(state: EmulatorState, userId: number, gameId: string): GameRecord {
  const g = state.games.get(gameId);
  if (!g) throw new BadRequest(`No game "${clip(gameId)}".`);
  if (g.closed) throw new BadRequest(`Game "${clip(gameId)}" is closed.`);
  if (!g.subscribers.includes(userId)) g.subscribers.push(userId);
  return g;
}

/**
 * close_game: time pools expire; open event pools are blocked until someone
 * resolves them, and the game then only stops betting. Returns whether the
 * game is now closed (true → reply 341) and the broadcasts.
 */
export function closeGame(state: EmulatorState, userId: number, gameId: string, now: number): { closed: boolean; events: GameBroadcast[] } {
  const game = adminGame(state, userId, gameId);
  if (game.closed) throw new BadRequest(`Game "${clip(gameId)}" is already closed.`);
  const events: GameBroadcast[] = [];
  let blocked = false;
  for (const pool of poolsOf(state, game.id)) {
    if (pool.state === 'open' && isTimeBased(pool.type)) events.push(expirePool(pool, now));
    else if (pool.state === 'open') {
      pool.state = 'blocked';
      blocked = true;
      events.push({ gameId: game.id, res: R.bet_pool_blocked, body: { pool_id: pool.id, game_id: game.id, description: pool.description } });
    } else if (pool.state === 'blocked') blocked = true;
  }
  if (blocked) {
    game.bettingClosed = true;
    return { closed: false, events };
  }
  game.closed = true;
  return { closed: true, events };
}

// ---- Pools ----

export interface NewPool {
  gameId: string;
  description: string;
  actionId: string;
  targets: string[];
  type: PoolType;
}

export function createPool(state: EmulatorState, userId: number, spec: NewPool, now: number): PoolRecord {
  const game = adminGame(state, userId, spec.gameId);
  if (game.closed) throw new BadRequest(`Game "${clip(spec.gameId)}" is closed.`);
  if (game.bettingClosed) throw new BadRequest(`Betting is closed for game "${clip(spec.gameId)}".`);
  if (!game.actions.some((a) => a.action_id === spec.actionId)) throw new BadRequest(`Field "action_id": the game has no action "${clip(spec.actionId)}".`);
  const known = targetIds(game.targets);
  const unknown = spec.targets.find((t) => !known.has(t));
  if (unknown !== undefined) throw new BadRequest(`Field "targets": the game has no target "${clip(unknown)}".`);
  const pool: PoolRecord = { id: randomUUID(), gameId: game.id, description: spec.description, actionId: spec.actionId, targets: spec.targets, type: spec.type, state: 'open', createdAt: now };
  const ix = indexOf(state);
  state.pools.set(pool.id, pool);
  push(ix.poolsByGame, pool.gameId, pool);
  return pool;
}
