// The emulator's whole state as data: users, sessions, seen nonces, sources,
// games and pools. `EmulatorState` is what lives in memory (maps for O(1)
// lookups); `toStateJson` / `fromStateJson` turn it into the one JSON document
// kept in the state file, checking every field of a loaded file so a damaged
// file is reported instead of half-loaded.
import { isObj, type Obj } from '../protocol';

export interface UserRecord {
  id: number;
  username: string;
  developer: boolean;
  passwordSalt: string;
  passwordHash: string;
  /** Last time (by the emulator clock) this user had a logged-on connection; drives auto-logon. */
  lastOnlineAt?: number;
}

export interface SessionRecord {
  key: string;
  userId: number;
  createdAt: number;
  expiresAt: number;
}

export interface SourceRecord {
  id: string;
  name: string;
  description: string;
  adminId: number;
  closed: boolean;
  createdAt: number;
}

export interface ActionRecord {
  action_id: string;
  name: string;
}

export interface TargetRecord {
  target_id: string;
  symbol: string;
  display_name: string;
  targets: TargetRecord[];
}

export interface GameRecord {
  id: string;
  sourceId: string;
  adminId: number;
  name: string;
  type: string | number;
  currency?: string;
  hashtag?: string;
  imageUrl?: string;
  openAt?: number;
  closeAt?: number;
  liveStartAt?: number;
  createdAt: number;
  closed: boolean;
  /** Set by close_game while event pools wait for manual resolution. */
  bettingClosed: boolean;
  actions: ActionRecord[];
  targets: TargetRecord[];
  /** Users subscribed to the game's broadcasts (the admin always is). */
  subscribers: number[];
}

export type PoolType = 1 | 2 | 3 | 4;
export type PoolState = 'open' | 'blocked' | 'expired' | 'resolved';

export interface PoolRecord {
  id: string;
  gameId: string;
  description: string;
  actionId: string;
  targets: string[];
  type: PoolType;
  state: PoolState;
  createdAt: number;
}

export interface EmulatorState {
  users: Map<number, UserRecord>;
  sessions: Map<string, SessionRecord>;
  /** userId → nonce → time first seen. */
  nonces: Map<number, Map<string, number>>;
  sources: Map<string, SourceRecord>;
  games: Map<string, GameRecord>;
  pools: Map<string, PoolRecord>;
}

export const STATE_FILE_VERSION = 1;

export function emptyState(): EmulatorState {
  return { users: new Map(), sessions: new Map(), nonces: new Map(), sources: new Map(), games: new Map(), pools: new Map() };
}

/** The JSON document written to the state file. */
export function toStateJson(state: EmulatorState): unknown {
  const nonces: Record<string, Record<string, number>> = {};
  for (const [userId, seen] of state.nonces) nonces[String(userId)] = Object.fromEntries(seen);
  return {
    version: STATE_FILE_VERSION,
    users: [...state.users.values()],
    sessions: [...state.sessions.values()],
    nonces,
    sources: [...state.sources.values()],
    games: [...state.games.values()],
    pools: [...state.pools.values()],
  };
}

// ---- Loading: every field checked, the first problem named by its path ----

export class StateFormatError extends Error {}



function bad(path: string, expected: string): never {
  throw new StateFormatError(`${path} should be ${expected}`);
}

function obj(v: unknown, path: string): Obj {
  return isObj(v) ? v : bad(path, 'an object');
}

function list(v: unknown, path: string): unknown[] {
  return Array.isArray(v) ? v : bad(path, 'an array');
}

function str(o: Obj, k: string, path: string): string {
  const v = o[k];
  return typeof v === 'string' ? v : bad(`${path}.${k}`, 'a string');
}

function optStr(o: Obj, k: string, path: string): string | undefined {
  return o[k] === undefined ? undefined : str(o, k, path);
}

function num(o: Obj, k: string, path: string): number {
  const v = o[k];
  return typeof v === 'number' && Number.isFinite(v) ? v : bad(`${path}.${k}`, 'a number');
}

function optNum(o: Obj, k: string, path: string): number | undefined {
  return o[k] === undefined ? undefined : num(o, k, path);
}

function int(o: Obj, k: string, path: string): number {
  const v = num(o, k, path);
  return Number.isSafeInteger(v) ? v : bad(`${path}.${k}`, 'an integer');
}

function bool(o: Obj, k: string, path: string): boolean {
  const v = o[k];
  return typeof v === 'boolean' ? v : bad(`${path}.${k}`, 'true or false');
}

function readTarget(v: unknown, path: string, depth: number): TargetRecord {
  if (depth > 64) bad(path, 'nested at most 64 deep');
  const o = obj(v, path);
  return {
    target_id: str(o, 'target_id', path),
    symbol: str(o, 'symbol', path),
    display_name: str(o, 'display_name', path),
    targets: list(o.targets, `${path}.targets`).map((t, i) => readTarget(t, `${path}.targets[${i}]`, depth + 1)),
  };
}

const POOL_STATES: readonly PoolState[] = ['open', 'blocked', 'expired', 'resolved'];

function readUser(v: unknown, p: string): UserRecord {
  const o = obj(v, p);
  return {
    id: int(o, 'id', p),
    username: str(o, 'username', p),
    developer: bool(o, 'developer', p),
    passwordSalt: str(o, 'passwordSalt', p),
    passwordHash: str(o, 'passwordHash', p),
    lastOnlineAt: optNum(o, 'lastOnlineAt', p),
  };
}

function readSession(v: unknown, p: string): SessionRecord {
  const o = obj(v, p);
  return { key: str(o, 'key', p), userId: int(o, 'userId', p), createdAt: num(o, 'createdAt', p), expiresAt: num(o, 'expiresAt', p) };
}

function readSource(v: unknown, p: string): SourceRecord {
  const o = obj(v, p);
  return {
    id: str(o, 'id', p),
    name: str(o, 'name', p),
    description: str(o, 'description', p),
    adminId: int(o, 'adminId', p),
    closed: bool(o, 'closed', p),
    createdAt: num(o, 'createdAt', p),
  };
}

function readGame(v: unknown, p: string): GameRecord {
  const o = obj(v, p);
  const type = o.type;
  if (typeof type !== 'string' && typeof type !== 'number') bad(`${p}.type`, 'a string or number');
  return {
    id: str(o, 'id', p),
    sourceId: str(o, 'sourceId', p),
    adminId: int(o, 'adminId', p),
    name: str(o, 'name', p),
    type,
    currency: optStr(o, 'currency', p),
    hashtag: optStr(o, 'hashtag', p),
    imageUrl: optStr(o, 'imageUrl', p),
    openAt: optNum(o, 'openAt', p),
    closeAt: optNum(o, 'closeAt', p),
    liveStartAt: optNum(o, 'liveStartAt', p),
    createdAt: num(o, 'createdAt', p),
    closed: bool(o, 'closed', p),
    bettingClosed: bool(o, 'bettingClosed', p),
    actions: list(o.actions, `${p}.actions`).map((a, i) => {
      const ap = `${p}.actions[${i}]`;
      const ao = obj(a, ap);
      return { action_id: str(ao, 'action_id', ap), name: str(ao, 'name', ap) };
    }),
    targets: list(o.targets, `${p}.targets`).map((t, i) => readTarget(t, `${p}.targets[${i}]`, 0)),
    subscribers: list(o.subscribers, `${p}.subscribers`).map((s, i) =>
      typeof s === 'number' && Number.isSafeInteger(s) ? s : bad(`${p}.subscribers[${i}]`, 'a user id'),
    ),
  };
}

function readPool(v: unknown, p: string): PoolRecord {
  const o = obj(v, p);
  const type = int(o, 'type', p);
  if (type < 1 || type > 4) bad(`${p}.type`, '1, 2, 3 or 4');
  const state = str(o, 'state', p);
  if (!(POOL_STATES as readonly string[]).includes(state)) bad(`${p}.state`, POOL_STATES.join(', '));
  return {
    id: str(o, 'id', p),
    gameId: str(o, 'gameId', p),
    description: str(o, 'description', p),
    actionId: str(o, 'actionId', p),
    targets: list(o.targets, `${p}.targets`).map((t, i) => (typeof t === 'string' ? t : bad(`${p}.targets[${i}]`, 'a string'))),
    type: type as PoolType,
    state: state as PoolState,
    createdAt: num(o, 'createdAt', p),
  };
}

function byKey<T, K>(items: T[], key: (item: T) => K, what: string): Map<K, T> {
  const out = new Map<K, T>();
  for (const item of items) {
    const k = key(item);
    if (out.has(k)) throw new StateFormatError(`${what} ${String(k)} appears twice`);
    out.set(k, item);
  }
  return out;
}

/** Rebuilds the state from a parsed state file; throws StateFormatError naming the first bad field. */
export function fromStateJson(doc: unknown): EmulatorState {
  const o = obj(doc, 'the file');
  if (o.version !== STATE_FILE_VERSION) bad('version', String(STATE_FILE_VERSION));
  const state: EmulatorState = {
    users: byKey(list(o.users, 'users').map((u, i) => readUser(u, `users[${i}]`)), (u) => u.id, 'user id'),
    sessions: byKey(list(o.sessions, 'sessions').map((s, i) => readSession(s, `sessions[${i}]`)), (s) => s.key, 'session'),
    nonces: new Map(),
    sources: byKey(list(o.sources, 'sources').map((s, i) => readSource(s, `sources[${i}]`)), (s) => s.id, 'source id'),
    games: byKey(list(o.games, 'games').map((g, i) => readGame(g, `games[${i}]`)), (g) => g.id, 'game id'),
    pools: byKey(list(o.pools, 'pools').map((x, i) => readPool(x, `pools[${i}]`)), (x) => x.id, 'pool id'),
  };
  const nonces = obj(o.nonces, 'nonces');
  for (const [userId, seen] of Object.entries(nonces)) {
    const id = Number(userId);
    if (!Number.isSafeInteger(id)) bad(`nonces["${userId}"]`, 'keyed by a user id');
    const m = new Map<string, number>();
    for (const [nonce, at] of Object.entries(obj(seen, `nonces["${userId}"]`))) {
      if (typeof at !== 'number' || !Number.isFinite(at)) bad(`nonces["${userId}"]["${nonce}"]`, 'a time');
      m.set(nonce, at);
    }
    state.nonces.set(id, m);
  }
  const usernames = new Set<string>();
  for (const u of state.users.values()) {
    if (usernames.has(u.username)) throw new StateFormatError(`username "${u.username}" appears twice`);
    usernames.add(u.username);
  }
  for (const s of state.sessions.values()) if (!state.users.has(s.userId)) throw new StateFormatError('a session belongs to an unknown user');
  for (const s of state.sources.values()) if (!state.users.has(s.adminId)) throw new StateFormatError(`source ${s.id} has an unknown admin`);
  for (const g of state.games.values()) if (!state.sources.has(g.sourceId)) throw new StateFormatError(`game ${g.id} belongs to an unknown source`);
  for (const x of state.pools.values()) if (!state.games.has(x.gameId)) throw new StateFormatError(`pool ${x.id} belongs to an unknown game`);
  return state;
}
