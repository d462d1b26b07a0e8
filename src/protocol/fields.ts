// Readers of one field of an untrusted JSON object: each checks the value's
// type and range before converting it, and returns it in its model type or
// throws a FieldError naming the field. Nothing here calls String(), Number()
// or a method on a value whose type it has not checked first, so a field such
// as {"toString":1} can only ever be reported, never crash the decoder.

export type Obj = Record<string, unknown>;

/**
 * A field that is not what the protocol promises. Internal to the decoder:
 * messages.ts turns it into a ProtocolError with the reply's code. The path
 * is built only on failure (see `list`), so well-formed frames pay nothing
 * for it.
 */
export class FieldError extends Error {
  constructor(
    readonly path: string,
    readonly expected: string,
  ) {
    super(`field "${path}" should be ${expected}`);
  }
}

/** The largest magnitude of an ECMAScript time value: any epoch-ms time beyond it is no date at all. */
export const MAX_TIME_MS = 8.64e15;

/** Levels of a target tree (a top-level target is level 1); a deeper tree is refused, so no input can make the recursion exhaust the stack. */
export const MAX_TARGET_DEPTH = 32;

// Digits with an optional fraction; no sign, exponent, blanks or hex, which Number() would also take.
const DECIMAL = /^\d+(\.\d+)?$/;

export function isObj(v: unknown): v is Obj {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** null counts as absent for every optional field: servers send either. */
function absent(v: unknown): v is undefined | null {
  return v === undefined || v === null;
}

/** Ids travel as strings (UUIDs); a numeric id is accepted and turned into its decimal string. */
function idValue(v: unknown, key: string): string {
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new FieldError(key, 'an id (string)');
}

export function id(o: Obj, key: string): string {
  return idValue(o[key], key);
}

export function optId(o: Obj, key: string): string | undefined {
  const v = o[key];
  return absent(v) ? undefined : idValue(v, key);
}

/** A name-like code (a game type) that servers send as text or as an integer; kept as text. */
export function optCode(o: Obj, key: string): string | undefined {
  const v = o[key];
  if (absent(v)) return undefined;
  if (typeof v === 'string') return v;
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  throw new FieldError(key, 'a string or an integer');
}

export function str(o: Obj, key: string): string {
  const v = o[key];
  if (typeof v !== 'string') throw new FieldError(key, 'a string');
  return v;
}

export function optStr(o: Obj, key: string): string | undefined {
  const v = o[key];
  if (absent(v)) return undefined;
  if (typeof v !== 'string') throw new FieldError(key, 'a string');
  return v;
}

export function optBool(o: Obj, key: string): boolean | undefined {
  const v = o[key];
  if (absent(v)) return undefined;
  if (typeof v !== 'boolean') throw new FieldError(key, 'true or false');
  return v;
}

/** A value is a time when it lies in [0, MAX_TIME_MS]: `new Date(t)` is then always a real date. */
export function timeValue(v: unknown): number | undefined {
  let n: number;
  if (typeof v === 'number') n = v;
  else if (typeof v === 'string' && DECIMAL.test(v)) n = Number(v);
  else return undefined;
  // NaN and ±Infinity fail this comparison too (a 400-digit string is Infinity).
  return n >= 0 && n <= MAX_TIME_MS ? n : undefined;
}

/** Epoch milliseconds, which the server sometimes sends as a decimal string; '' counts as absent. */
export function optTime(o: Obj, key: string): number | undefined {
  const v = o[key];
  if (absent(v) || v === '') return undefined;
  const t = timeValue(v);
  if (t === undefined) throw new FieldError(key, 'a time in epoch milliseconds');
  return t;
}

export function arr(o: Obj, key: string): unknown[] {
  const v = o[key];
  if (!Array.isArray(v)) throw new FieldError(key, 'an array');
  return v;
}

export function optArr(o: Obj, key: string): unknown[] {
  const v = o[key];
  if (absent(v)) return [];
  if (!Array.isArray(v)) throw new FieldError(key, 'an array');
  return v;
}

export function obj(o: Obj, key: string): Obj {
  const v = o[key];
  if (!isObj(v)) throw new FieldError(key, 'an object');
  return v;
}

export function optObj(o: Obj, key: string): Obj {
  const v = o[key];
  if (absent(v)) return {};
  if (!isObj(v)) throw new FieldError(key, 'an object');
  return v;
}

/**
 * Decodes each item of an array of objects. A failing item's path is
 * prefixed with `key[i]` here, on the way out, rather than built for every
 * field of every item in advance.
 */
export function list<T>(items: unknown[], key: string, decodeItem: (item: Obj) => T): T[] {
  const out: T[] = new Array(items.length);
  for (let i = 0; i < items.length; i++) {
    const item = items[i];
    if (!isObj(item)) throw new FieldError(`${key}[${i}]`, 'an object');
    try {
      out[i] = decodeItem(item);
    } catch (err) {
      if (err instanceof FieldError) throw new FieldError(`${key}[${i}].${err.path}`, err.expected);
      throw err;
    }
  }
  return out;
}
