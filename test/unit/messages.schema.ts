// The known responses as PROTOCOL.md §6–§9 describe them, restated for the
// decoder's tests apart from src/protocol: each field's kind, and an oracle
// saying what a correct decoder makes of any parsed JSON value (the message,
// or every field path it may name when it refuses the frame). The limits are
// written out here, not imported, so a change to the decoder's limits fails a test.
import type { CodeTable, ResName } from '../../src/protocol/codes';

/** The largest ECMAScript time value: a time beyond it is no date. */
export const MAX_TIME = 8.64e15;
/** Target trees are at most this many levels deep (a top-level target is level 1). */
export const MAX_TARGET_LEVELS = 32;

export type Kind =
  | { k: 'id' }
  | { k: 'optId' }
  | { k: 'str' }
  | { k: 'optStr'; dflt: string | undefined }
  | { k: 'code'; dflt: string | undefined }
  | { k: 'time' }
  | { k: 'bool' }
  | { k: 'arr' }
  | { k: 'optArr' }
  | { k: 'obj' }
  | { k: 'optObj' }
  | { k: 'anyText' }
  | { k: 'list'; optional: boolean; item: Fields }
  | { k: 'targets' };
export type Fields = { readonly [key: string]: Kind };

const id: Kind = { k: 'id' };
const optId: Kind = { k: 'optId' };
const str: Kind = { k: 'str' };
const time: Kind = { k: 'time' };
const optStr = (dflt?: string): Kind => ({ k: 'optStr', dflt });
const list = (item: Fields, optional = false): Kind => ({ k: 'list', optional, item });

export const TARGET: Fields = { target_id: id, symbol: optStr(''), display_name: optStr(''), targets: { k: 'targets' } };
const POOL_IDS: Fields = { pool_id: id, game_id: id };
const POOL_RESOLUTION: Fields = {
  pool_id: id,
  game_id: id,
  winning_target: optStr('none'),
  description: optStr(''),
  winners: { k: 'optObj' },
  losers: { k: 'optObj' },
  invalidated_bettors: { k: 'optArr' },
  is_money_return: { k: 'bool' },
  expired_at: time,
};

/** Every known response's fields (besides `res` and `response_header`), with the decoder's defaults for absent ones. */
export const RESPONSES: Readonly<Record<ResName, Fields>> = {
  pong: {},
  opcodes: { opcodes: { k: 'obj' }, response_codes: { k: 'obj' } },
  logon_success: { session_key: optStr() },
  logon_fail: { text: optStr() },
  logon_fail_already_logged_in: { text: optStr() },
  game_joined: { game_id: id },
  game_source_opened: { source_id: id },
  game_source_closed: { source_id: id },
  game_created_and_opened: {
    source_id: id,
    game_id: id,
    game_name: optStr(''),
    actions: list({ action_id: id, name: optStr('') }, true),
    targets: { k: 'targets' },
    open_at: time,
    close_at: time,
    live_start_at: time,
    hashtag: optStr(),
  },
  game_closed: { game_id: id },
  games_for_source_list: {
    source_id: id,
    games: list({ game_id: id, status: str, name: optStr(''), type: { k: 'code', dflt: '' }, open_at: time, close_at: time, actions: { k: 'optArr' }, targets: { k: 'optArr' } }),
  },
  upcoming_games_for_source_list: {
    source_id: id,
    games: list({ id, source_id: id, game_name: optStr(''), currency: optStr(), live_start_at: time, game_type_id: { k: 'code', dflt: undefined }, hashtag: optStr() }),
  },
  betting_pool_created: POOL_IDS,
  betting_pool_opened: POOL_IDS,
  bet_pool_resolved: POOL_RESOLUTION,
  bet_pool_expired: POOL_RESOLUTION,
  new_game_event: { game_id: optId },
  bet_pool_blocked: POOL_IDS,
  user_joined_game: { game_id: id, user_id: optId },
  games_i_am_admin_of_list: { games: list({ id, name: optStr('') }) },
  game_sources_i_am_admin_of_list: { sources: list({ id, name: str, description: optStr('') }) },
  error: { text: { k: 'anyText' } },
};

// ---- The oracle ----

type Obj = Record<string, unknown>;
export type Verdict = { ok: true; value: unknown } | { ok: false; paths: string[] };

const okv = (value: unknown): Verdict => ({ ok: true, value });
const bad = (path: string): Verdict => ({ ok: false, paths: [path] });
const isPlain = (v: unknown): v is Obj => typeof v === 'object' && v !== null && !Array.isArray(v);
const absent = (v: unknown) => v === undefined || v === null;
const isSafeInt = (v: unknown): v is number => typeof v === 'number' && Number.isSafeInteger(v);

export function timeOf(v: unknown): number | undefined {
  const n = typeof v === 'number' ? v : typeof v === 'string' && /^[0-9]+(\.[0-9]+)?$/.test(v) ? Number(v) : NaN;
  return n >= 0 && n <= MAX_TIME ? n : undefined;
}

/** What a correct decoder makes of value `v` of a field of kind `kind` at `path`; `level` is the level of items in a targets array. */
export function expectField(kind: Kind, v: unknown, path: string, level = 1): Verdict {
  switch (kind.k) {
    case 'id':
      return typeof v === 'string' ? okv(v) : isSafeInt(v) ? okv(String(v)) : bad(path);
    case 'optId':
      return absent(v) ? okv(undefined) : expectField({ k: 'id' }, v, path);
    case 'str':
      return typeof v === 'string' ? okv(v) : bad(path);
    case 'optStr':
      return absent(v) ? okv(kind.dflt) : typeof v === 'string' ? okv(v) : bad(path);
    case 'code':
      return absent(v) ? okv(kind.dflt) : typeof v === 'string' ? okv(v) : isSafeInt(v) ? okv(String(v)) : bad(path);
    case 'time': {
      if (absent(v) || v === '') return okv(undefined);
      const t = timeOf(v);
      return t === undefined ? bad(path) : okv(t);
    }
    case 'bool':
      return absent(v) ? okv(false) : typeof v === 'boolean' ? okv(v) : bad(path);
    case 'arr':
      return Array.isArray(v) ? okv(v) : bad(path);
    case 'optArr':
      return absent(v) ? okv([]) : Array.isArray(v) ? okv(v) : bad(path);
    case 'obj':
      return isPlain(v) ? okv(v) : bad(path);
    case 'optObj':
      return absent(v) ? okv({}) : isPlain(v) ? okv(v) : bad(path);
    case 'anyText':
      return okv(typeof v === 'string' ? v : '');
    case 'list':
      if (absent(v) && kind.optional) return okv([]);
      return Array.isArray(v) ? expectItems(kind.item, v, path, level) : bad(path);
    case 'targets':
      if (absent(v)) return okv([]);
      if (!Array.isArray(v)) return bad(path);
      if (v.length > 0 && level > MAX_TARGET_LEVELS) return bad(path);
      return expectItems(TARGET, v, path, level);
  }
}

function expectItems(fields: Fields, items: unknown[], path: string, level: number): Verdict {
  const out: unknown[] = [];
  const paths: string[] = [];
  items.forEach((item, i) => {
    const r = isPlain(item) ? expectFields(fields, item, `${path}[${i}]`, level + 1) : bad(`${path}[${i}]`);
    if (r.ok) out.push(r.value);
    else paths.push(...r.paths);
  });
  return paths.length ? { ok: false, paths } : okv(out);
}

/** `childLevel` is the level of the items of any targets array among these fields. */
export function expectFields(fields: Fields, o: Obj, path: string, childLevel = 1): Verdict {
  const out: Obj = {};
  const paths: string[] = [];
  for (const [key, kind] of Object.entries(fields)) {
    const r = expectField(kind, o[key], path ? `${path}.${key}` : key, childLevel);
    if (r.ok) out[key] = r.value;
    else paths.push(...r.paths);
  }
  return paths.length ? { ok: false, paths } : okv(out);
}

export type FrameVerdict =
  | { ok: true; message: { name: ResName | undefined; res: number; t: number | undefined; body: unknown } }
  | { ok: false; why: 'not-object' | 'res' }
  | { ok: false; why: 'fields'; res: number; paths: string[] };

/** What a correct decoder makes of a parsed frame. */
export function expectFrame(parsed: unknown, codes: CodeTable): FrameVerdict {
  if (!isPlain(parsed)) return { ok: false, why: 'not-object' };
  const res = parsed.res;
  if (!isSafeInt(res)) return { ok: false, why: 'res' };
  const header = parsed.response_header;
  const t = isPlain(header) && typeof header.t === 'number' ? timeOf(header.t) : undefined;
  const name = codes.resName(res);
  if (name === undefined) return { ok: true, message: { name, res, t, body: parsed } };
  // Top-level targets (340) hold level-1 items.
  const r = expectFields(RESPONSES[name], parsed, '', 1);
  return r.ok ? { ok: true, message: { name, res, t, body: r.value } } : { ok: false, why: 'fields', res, paths: r.paths };
}

// ---- Paths into a frame ----

export type Path = (string | number)[];

export function pathText(path: Path): string {
  return path.map((s, i) => (typeof s === 'number' ? `[${s}]` : i === 0 ? s : `.${s}`)).join('');
}

/** Every field path of `fields` in the frame `o`, present or not, and every item of the lists it holds. */
export function fieldPaths(fields: Fields, o: Obj, prefix: Path = []): Path[] {
  const out: Path[] = [];
  for (const [key, kind] of Object.entries(fields)) {
    const at = [...prefix, key];
    out.push(at);
    const v = o[key];
    const item = kind.k === 'list' ? kind.item : kind.k === 'targets' ? TARGET : undefined;
    if (item && Array.isArray(v)) {
      v.forEach((x, i) => {
        out.push([...at, i]);
        if (isPlain(x)) out.push(...fieldPaths(item, x, [...at, i]));
      });
    }
  }
  return out;
}
