// The one decoder for frames from the server: untrusted text in, a typed
// message or a ProtocolError out. Also the encoder for requests.
import { CodeTable, ResName } from './codes';
import { ProtocolError } from './errors';

// ---- Model types (what the rest of the extension sees) ----

export interface SourceInfo {
  id: string;
  name: string;
  description: string;
}

export type GameStatus =
  | 'betting_not_yet_active'
  | 'pre_game_betting_active'
  | 'game_in_progress_betting_active'
  | 'game_in_progress_betting_closed'
  | 'game_closed';

export const GAME_STATUSES: readonly GameStatus[] = [
  'betting_not_yet_active',
  'pre_game_betting_active',
  'game_in_progress_betting_active',
  'game_in_progress_betting_closed',
  'game_closed',
];

export interface ActiveGame {
  game_id: string;
  /** A documented status, or the server's own string if it sends one we do not know. */
  status: GameStatus | string;
  name: string;
  type: string;
  open_at?: number;
  close_at?: number;
  actions: unknown[];
  targets: unknown[];
}

export interface UpcomingGame {
  id: string;
  source_id: string;
  game_name: string;
  currency?: string;
  live_start_at?: number;
  game_type_id?: string;
  hashtag?: string;
}

export interface GameAction {
  action_id: string;
  name: string;
}

export interface GameTarget {
  target_id: string;
  symbol: string;
  display_name: string;
  targets: GameTarget[];
}

export interface PoolResolution {
  pool_id: string;
  game_id: string;
  winning_target: string;
  description: string;
  winners: Record<string, unknown>;
  losers: Record<string, unknown>;
  invalidated_bettors: unknown[];
  is_money_return: boolean;
  expired_at?: number;
}

/** Fields of each known response, by name. */
export interface ResponseBodies {
  pong: Record<string, never>;
  opcodes: { opcodes: Record<string, unknown>; response_codes: Record<string, unknown> };
  logon_success: { session_key?: string };
  logon_fail: { text?: string };
  logon_fail_already_logged_in: { text?: string };
  game_joined: { game_id: string };
  game_source_opened: { source_id: string };
  game_source_closed: { source_id: string };
  game_created_and_opened: {
    source_id: string;
    game_id: string;
    game_name: string;
    actions: GameAction[];
    targets: GameTarget[];
    open_at?: number;
    close_at?: number;
    live_start_at?: number;
    hashtag?: string;
  };
  game_closed: { game_id: string };
  games_for_source_list: { source_id: string; games: ActiveGame[] };
  upcoming_games_for_source_list: { source_id: string; games: UpcomingGame[] };
  betting_pool_created: { pool_id: string; game_id: string };
  betting_pool_opened: { pool_id: string; game_id: string };
  bet_pool_resolved: PoolResolution;
  bet_pool_expired: PoolResolution;
  new_game_event: { game_id?: string };
  bet_pool_blocked: { pool_id: string; game_id: string };
  user_joined_game: { game_id: string; user_id?: string };
  games_i_am_admin_of_list: { games: { id: string; name: string }[] };
  game_sources_i_am_admin_of_list: { sources: SourceInfo[] };
  error: { text: string };
}

export type KnownMessage = {
  [K in ResName]: { name: K; res: number; t: number | undefined; body: ResponseBodies[K] };
}[ResName];

/** A well-formed frame with a `res` this client has no name for. */
export interface UnknownMessage {
  name: undefined;
  res: number;
  t: number | undefined;
  body: Record<string, unknown>;
}

export type ServerMessage = KnownMessage | UnknownMessage;

export type MessageOf<K extends ResName> = Extract<KnownMessage, { name: K }>;

// ---- Field readers: each throws a ProtocolError naming the field ----

type Obj = Record<string, unknown>;

function fail(res: number, field: string, expected: string): never {
  throw new ProtocolError(`Malformed reply ${res}: field "${field}" should be ${expected}.`, { res });
}

function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Ids travel as strings (UUIDs); a numeric id is accepted and turned into its decimal string. */
function id(o: Obj, key: string, res: number, path = key): string {
  const v = o[key];
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  return fail(res, path, 'an id (string)');
}

function str(o: Obj, key: string, res: number, path = key): string {
  const v = o[key];
  if (typeof v !== 'string') fail(res, path, 'a string');
  return v;
}

function optStr(o: Obj, key: string, res: number, path = key): string | undefined {
  const v = o[key];
  if (v === undefined || v === null) return undefined;
  if (typeof v !== 'string') fail(res, path, 'a string');
  return v;
}

/** Epoch milliseconds, which the server sometimes sends as a decimal string. */
function optTime(o: Obj, key: string, res: number, path = key): number | undefined {
  const v = o[key];
  if (v === undefined || v === null || v === '') return undefined;
  if (typeof v === 'number' && Number.isFinite(v)) return v;
  if (typeof v === 'string' && /^\d+(\.\d+)?$/.test(v)) return Number(v);
  return fail(res, path, 'a time in epoch milliseconds');
}

function arr(o: Obj, key: string, res: number, path = key): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) fail(res, path, 'an array');
  return v;
}

function optArr(o: Obj, key: string, res: number, path = key): unknown[] {
  const v = o[key];
  if (v === undefined || v === null) return [];
  if (!Array.isArray(v)) fail(res, path, 'an array');
  return v;
}

function objAt(v: unknown, res: number, path: string): Obj {
  if (!isObj(v)) fail(res, path, 'an object');
  return v;
}

function optObj(o: Obj, key: string, res: number): Obj {
  const v = o[key];
  if (v === undefined || v === null) return {};
  return objAt(v, res, key);
}

function decodeTarget(v: unknown, res: number, path: string, depth: number): GameTarget {
  if (depth > 32) fail(res, path, 'nested at most 32 deep');
  const o = objAt(v, res, path);
  return {
    target_id: id(o, 'target_id', res, `${path}.target_id`),
    symbol: optStr(o, 'symbol', res, `${path}.symbol`) ?? '',
    display_name: optStr(o, 'display_name', res, `${path}.display_name`) ?? '',
    targets: optArr(o, 'targets', res, `${path}.targets`).map((t, i) => decodeTarget(t, res, `${path}.targets[${i}]`, depth + 1)),
  };
}

function decodePool(o: Obj, res: number): PoolResolution {
  return {
    pool_id: id(o, 'pool_id', res),
    game_id: id(o, 'game_id', res),
    winning_target: optStr(o, 'winning_target', res) ?? 'none',
    description: optStr(o, 'description', res) ?? '',
    winners: optObj(o, 'winners', res),
    losers: optObj(o, 'losers', res),
    invalidated_bettors: optArr(o, 'invalidated_bettors', res),
    is_money_return: o.is_money_return === true,
    expired_at: optTime(o, 'expired_at', res),
  };
}

function decodeSources(o: Obj, res: number): SourceInfo[] {
  const list = arr(o, 'sources', res);
  const out: SourceInfo[] = new Array(list.length);
  for (let i = 0; i < list.length; i++) {
    const s = objAt(list[i], res, `sources[${i}]`);
    out[i] = {
      id: id(s, 'id', res, `sources[${i}].id`),
      name: str(s, 'name', res, `sources[${i}].name`),
      description: optStr(s, 'description', res, `sources[${i}].description`) ?? '',
    };
  }
  return out;
}

type BodyDecoders = { [K in ResName]: (o: Obj, res: number) => ResponseBodies[K] };

const decoders: BodyDecoders = {
  pong: () => ({}),
  opcodes: (o, res) => ({
    opcodes: objAt(o.opcodes, res, 'opcodes'),
    response_codes: objAt(o.response_codes, res, 'response_codes'),
  }),
  logon_success: (o, res) => ({ session_key: optStr(o, 'session_key', res) }),
  logon_fail: (o, res) => ({ text: optStr(o, 'text', res) }),
  logon_fail_already_logged_in: (o, res) => ({ text: optStr(o, 'text', res) }),
  game_joined: (o, res) => ({ game_id: id(o, 'game_id', res) }),
  game_source_opened: (o, res) => ({ source_id: id(o, 'source_id', res) }),
  game_source_closed: (o, res) => ({ source_id: id(o, 'source_id', res) }),
  game_created_and_opened: (o, res) => ({
    source_id: id(o, 'source_id', res),
    game_id: id(o, 'game_id', res),
    game_name: optStr(o, 'game_name', res) ?? '',
    actions: optArr(o, 'actions', res).map((a, i) => {
      const ao = objAt(a, res, `actions[${i}]`);
      return { action_id: id(ao, 'action_id', res, `actions[${i}].action_id`), name: optStr(ao, 'name', res, `actions[${i}].name`) ?? '' };
    }),
    targets: optArr(o, 'targets', res).map((t, i) => decodeTarget(t, res, `targets[${i}]`, 0)),
    open_at: optTime(o, 'open_at', res),
    close_at: optTime(o, 'close_at', res),
    live_start_at: optTime(o, 'live_start_at', res),
    hashtag: optStr(o, 'hashtag', res),
  }),
  game_closed: (o, res) => ({ game_id: id(o, 'game_id', res) }),
  games_for_source_list: (o, res) => ({
    source_id: id(o, 'source_id', res),
    games: arr(o, 'games', res).map((g, i) => {
      const p = `games[${i}]`;
      const go = objAt(g, res, p);
      return {
        game_id: id(go, 'game_id', res, `${p}.game_id`),
        status: str(go, 'status', res, `${p}.status`),
        name: optStr(go, 'name', res, `${p}.name`) ?? '',
        type: go.type === undefined || go.type === null ? '' : String(go.type),
        open_at: optTime(go, 'open_at', res, `${p}.open_at`),
        close_at: optTime(go, 'close_at', res, `${p}.close_at`),
        actions: optArr(go, 'actions', res, `${p}.actions`),
        targets: optArr(go, 'targets', res, `${p}.targets`),
      };
    }),
  }),
  upcoming_games_for_source_list: (o, res) => ({
    source_id: id(o, 'source_id', res),
    games: arr(o, 'games', res).map((g, i) => {
      const p = `games[${i}]`;
      const go = objAt(g, res, p);
      return {
        id: id(go, 'id', res, `${p}.id`),
        source_id: id(go, 'source_id', res, `${p}.source_id`),
        game_name: optStr(go, 'game_name', res, `${p}.game_name`) ?? '',
        currency: optStr(go, 'currency', res, `${p}.currency`),
        live_start_at: optTime(go, 'live_start_at', res, `${p}.live_start_at`),
        game_type_id: go.game_type_id === undefined || go.game_type_id === null ? undefined : String(go.game_type_id),
        hashtag: optStr(go, 'hashtag', res, `${p}.hashtag`),
      };
    }),
  }),
  betting_pool_created: (o, res) => ({ pool_id: id(o, 'pool_id', res), game_id: id(o, 'game_id', res) }),
  betting_pool_opened: (o, res) => ({ pool_id: id(o, 'pool_id', res), game_id: id(o, 'game_id', res) }),
  bet_pool_resolved: decodePool,
  bet_pool_expired: decodePool,
  new_game_event: (o, res) => ({ game_id: o.game_id === undefined ? undefined : id(o, 'game_id', res) }),
  bet_pool_blocked: (o, res) => ({ pool_id: id(o, 'pool_id', res), game_id: id(o, 'game_id', res) }),
  user_joined_game: (o, res) => ({
    game_id: id(o, 'game_id', res),
    user_id: o.user_id === undefined ? undefined : id(o, 'user_id', res),
  }),
  games_i_am_admin_of_list: (o, res) => ({
    games: arr(o, 'games', res).map((g, i) => {
      const go = objAt(g, res, `games[${i}]`);
      return { id: id(go, 'id', res, `games[${i}].id`), name: optStr(go, 'name', res, `games[${i}].name`) ?? '' };
    }),
  }),
  game_sources_i_am_admin_of_list: (o, res) => ({ sources: decodeSources(o, res) }),
  error: (o) => ({ text: typeof o.text === 'string' ? o.text : '' }),
};

/**
 * Decodes one frame. `data` is what the socket delivered; `isBinary` says
 * whether it arrived as a binary frame (which this protocol never uses).
 * Never throws: a bad frame comes back as a ProtocolError.
 */
export function decodeFrame(data: string | Buffer | ArrayBuffer | Buffer[], isBinary: boolean, codes: CodeTable): ServerMessage | ProtocolError {
  if (isBinary) return new ProtocolError('The server sent a binary frame; this protocol only uses JSON text.');
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new ProtocolError(`The server sent a frame that is not JSON (${text.length} characters).`);
  }
  return decodeMessage(parsed, codes);
}

/** Decodes an already-parsed JSON value. Never throws. */
export function decodeMessage(parsed: unknown, codes: CodeTable): ServerMessage | ProtocolError {
  if (!isObj(parsed)) return new ProtocolError('The server sent a frame that is not a JSON object.');
  const res = parsed.res;
  if (typeof res !== 'number' || !Number.isSafeInteger(res)) return new ProtocolError('The server sent a frame without an integer "res" code.');
  const header = parsed.response_header;
  let t: number | undefined;
  if (isObj(header) && typeof header.t === 'number' && Number.isFinite(header.t)) t = header.t;
  const name = codes.resName(res);
  if (name === undefined) return { name: undefined, res, t, body: parsed };
  try {
    const decode = decoders[name] as (o: Obj, res: number) => unknown;
    return { name, res, t, body: decode(parsed, res) } as KnownMessage;
  } catch (err) {
    if (err instanceof ProtocolError) return err;
    return new ProtocolError(`Malformed reply ${res}: ${String(err)}`, { res });
  }
}

/**
 * Encodes a request: the documented header (no session key, ever) plus the op
 * and its params. Header and op are written after the params so a param can
 * never replace them (and so never smuggle a session key into the header).
 */
export function encodeRequest(op: number, params: Record<string, unknown>, now: number = Date.now()): string {
  return JSON.stringify({ ...params, header: { t: now, api_version: 1.0 }, op });
}
