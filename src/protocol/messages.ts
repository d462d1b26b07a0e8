// The one decoder for frames from the server: untrusted text in, a typed
// message or a ProtocolError out (each field is read by fields.ts, which
// checks it before converting it). Also the encoder for requests.
import { CodeTable, ResName } from './codes';
import { ProtocolError } from './errors';
import { arr, FieldError, id, isObj, list, MAX_TARGET_DEPTH, Obj, obj, optArr, optBool, optCode, optId, optObj, optStr, optTime, str, timeValue } from './fields';

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

// ---- Body decoders: one per known response, from the field readers ----

function decodeTarget(o: Obj, level: number): GameTarget {
  const children = optArr(o, 'targets');
  // Refused before descending, so the recursion is bounded whatever the input.
  if (level >= MAX_TARGET_DEPTH && children.length > 0) throw new FieldError('targets', `nested at most ${MAX_TARGET_DEPTH} deep`);
  return {
    target_id: id(o, 'target_id'),
    symbol: optStr(o, 'symbol') ?? '',
    display_name: optStr(o, 'display_name') ?? '',
    targets: list(children, 'targets', (t) => decodeTarget(t, level + 1)),
  };
}

function decodePool(o: Obj): PoolResolution {
  return {
    pool_id: id(o, 'pool_id'),
    game_id: id(o, 'game_id'),
    winning_target: optStr(o, 'winning_target') ?? 'none',
    description: optStr(o, 'description') ?? '',
    winners: optObj(o, 'winners'),
    losers: optObj(o, 'losers'),
    invalidated_bettors: optArr(o, 'invalidated_bettors'),
    is_money_return: optBool(o, 'is_money_return') ?? false,
    expired_at: optTime(o, 'expired_at'),
  };
}

function decodeSource(s: Obj): SourceInfo {
  return { id: id(s, 'id'), name: str(s, 'name'), description: optStr(s, 'description') ?? '' };
}

function decodeActiveGame(g: Obj): ActiveGame {
  return {
    game_id: id(g, 'game_id'),
    status: str(g, 'status'),
    name: optStr(g, 'name') ?? '',
    type: optCode(g, 'type') ?? '',
    open_at: optTime(g, 'open_at'),
    close_at: optTime(g, 'close_at'),
    actions: optArr(g, 'actions'),
    targets: optArr(g, 'targets'),
  };
}

function decodeUpcomingGame(g: Obj): UpcomingGame {
  return {
    id: id(g, 'id'),
    source_id: id(g, 'source_id'),
    game_name: optStr(g, 'game_name') ?? '',
    currency: optStr(g, 'currency'),
    live_start_at: optTime(g, 'live_start_at'),
    game_type_id: optCode(g, 'game_type_id'),
    hashtag: optStr(g, 'hashtag'),
  };
}

type BodyDecoders = { [K in ResName]: (o: Obj) => ResponseBodies[K] };

const decoders: BodyDecoders = {
  pong: () => ({}),
  opcodes: (o) => ({ opcodes: obj(o, 'opcodes'), response_codes: obj(o, 'response_codes') }),
  logon_success: (o) => ({ session_key: optStr(o, 'session_key') }),
  logon_fail: (o) => ({ text: optStr(o, 'text') }),
  logon_fail_already_logged_in: (o) => ({ text: optStr(o, 'text') }),
  game_joined: (o) => ({ game_id: id(o, 'game_id') }),
  game_source_opened: (o) => ({ source_id: id(o, 'source_id') }),
  game_source_closed: (o) => ({ source_id: id(o, 'source_id') }),
  game_created_and_opened: (o) => ({
    source_id: id(o, 'source_id'),
    game_id: id(o, 'game_id'),
    game_name: optStr(o, 'game_name') ?? '',
    actions: list(optArr(o, 'actions'), 'actions', (a) => ({ action_id: id(a, 'action_id'), name: optStr(a, 'name') ?? '' })),
    targets: list(optArr(o, 'targets'), 'targets', (t) => decodeTarget(t, 1)),
    open_at: optTime(o, 'open_at'),
    close_at: optTime(o, 'close_at'),
    live_start_at: optTime(o, 'live_start_at'),
    hashtag: optStr(o, 'hashtag'),
  }),
  game_closed: (o) => ({ game_id: id(o, 'game_id') }),
  games_for_source_list: (o) => ({ source_id: id(o, 'source_id'), games: list(arr(o, 'games'), 'games', decodeActiveGame) }),
  upcoming_games_for_source_list: (o) => ({ source_id: id(o, 'source_id'), games: list(arr(o, 'games'), 'games', decodeUpcomingGame) }),
  betting_pool_created: (o) => ({ pool_id: id(o, 'pool_id'), game_id: id(o, 'game_id') }),
  betting_pool_opened: (o) => ({ pool_id: id(o, 'pool_id'), game_id: id(o, 'game_id') }),
  bet_pool_resolved: decodePool,
  bet_pool_expired: decodePool,
  new_game_event: (o) => ({ game_id: optId(o, 'game_id') }),
  bet_pool_blocked: (o) => ({ pool_id: id(o, 'pool_id'), game_id: id(o, 'game_id') }),
  user_joined_game: (o) => ({ game_id: id(o, 'game_id'), user_id: optId(o, 'user_id') }),
  games_i_am_admin_of_list: (o) => ({ games: list(arr(o, 'games'), 'games', (g) => ({ id: id(g, 'id'), name: optStr(g, 'name') ?? '' })) }),
  game_sources_i_am_admin_of_list: (o) => ({ sources: list(arr(o, 'sources'), 'sources', decodeSource) }),
  // A 666 is the server's refusal whatever its text: a text of another type is dropped, not a reason to lose the refusal.
  error: (o) => ({ text: typeof o.text === 'string' ? o.text : '' }),
};

/**
 * Decodes one frame. `data` is what the socket delivered; `isBinary` says
 * whether it arrived as a binary frame (which this protocol never uses).
 * Never throws: a bad frame comes back as a ProtocolError.
 */
export function decodeFrame(data: string | Buffer | ArrayBuffer | Buffer[], isBinary: boolean, codes: CodeTable): ServerMessage | ProtocolError {
  if (isBinary) return new ProtocolError('The server sent a binary frame; this protocol only uses JSON text.');
  // Invalid UTF-8 becomes U+FFFD here rather than an exception.
  const text = typeof data === 'string' ? data : Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return new ProtocolError(`The server sent a frame that is not JSON (${text.length} characters).`);
  }
  return decodeMessage(parsed, codes);
}

/** Decodes an already-parsed JSON value. Never throws, whatever the value (even a getter or a proxy that throws). */
export function decodeMessage(parsed: unknown, codes: CodeTable): ServerMessage | ProtocolError {
  const at: { res?: number } = {};
  try {
    return decodeObject(parsed, codes, at);
  } catch (err) {
    return failure(err, at.res);
  }
}

function decodeObject(parsed: unknown, codes: CodeTable, at: { res?: number }): ServerMessage | ProtocolError {
  if (!isObj(parsed)) return new ProtocolError('The server sent a frame that is not a JSON object.');
  const res = parsed.res;
  if (
    !Number.isSafeInteger(res) ||
    // Stryker disable next-line ConditionalExpression: Number.isSafeInteger is false for every non-number, so this only narrows the type.
    typeof res !== 'number'
  )
    return new ProtocolError('The server sent a frame without an integer "res" code.');
  at.res = res;
  const header = parsed.response_header;
  // The header's time is informational: one that is no time is left out rather than failing the reply.
  const t = isObj(header) && typeof header.t === 'number' ? timeValue(header.t) : undefined;
  const name = codes.resName(res);
  if (name === undefined) return { name: undefined, res, t, body: parsed };
  const decode = decoders[name] as (o: Obj) => unknown;
  return { name, res, t, body: decode(parsed) } as KnownMessage;
}

function failure(err: unknown, res: number | undefined): ProtocolError {
  let field: FieldError | undefined;
  try {
    if (err instanceof FieldError) field = err;
  } catch {
    // `instanceof` on a thrown proxy can throw in turn; such a value is no FieldError.
  }
  if (field) return new ProtocolError(`Malformed reply ${res}: ${field.message}.`, { res });
  // Only a value that is no JSON (a getter, a proxy) gets here; the cause is kept, not stringified, since that could throw too.
  return new ProtocolError(res === undefined ? 'The frame could not be decoded.' : `Malformed reply ${res}: it could not be decoded.`, { res, cause: err });
}

/**
 * Encodes a request: the documented header (no session key, ever) plus the op
 * and its params. Header and op are written after the params so a param can
 * never replace them (and so never smuggle a session key into the header).
 */
export function encodeRequest(op: number, params: Record<string, unknown>, now: number = Date.now()): string {
  return JSON.stringify({ ...params, header: { t: now, api_version: 1.0 }, op });
}
