// Readers for the fields of a client request. Each returns the typed value or
// throws a BadRequest whose message is the 666 `text`, naming the field.
import { characterCount, timeValue } from '../protocol';

/** Thrown by handlers; the message becomes the `text` of a 666 reply. */
export class BadRequest extends Error {}

export type RequestBody = Record<string, unknown>;

/** Echoed client text is cut short so a 666 never balloons. */
export function clip(text: string, max = 64): string {
  return text.length <= max ? text : `${text.slice(0, max)}…`;
}

function missing(key: string): never {
  throw new BadRequest(`Field "${key}" is required.`);
}

function present(req: RequestBody, key: string): boolean {
  return Object.hasOwn(req, key) && req[key] !== undefined && req[key] !== null;
}

export function requiredString(req: RequestBody, key: string, maxLength = 255): string {
  if (!present(req, key)) missing(key);
  const v = req[key];
  if (typeof v !== 'string') throw new BadRequest(`Field "${key}" must be a string.`);
  if (v.length > maxLength && characterCount(v) > maxLength) throw new BadRequest(`Field "${key}" must be at most ${maxLength} characters.`);
  return v;
}

/** A required string that must contain something besides whitespace; returned trimmed. */
export function requiredName(req: RequestBody, key: string, maxLength = 255): string {
  const v = requiredString(req, key, Number.MAX_SAFE_INTEGER).trim();
  if (v === '') throw new BadRequest(`Field "${key}" must not be empty.`);
  if (v.length > maxLength && characterCount(v) > maxLength) throw new BadRequest(`Field "${key}" must be at most ${maxLength} characters.`);
  return v;
}

export function optionalString(req: RequestBody, key: string, maxLength: number): string | undefined {
  if (!present(req, key)) return undefined;
  return requiredString(req, key, maxLength);
}

/** An id: a non-empty string (numbers are accepted and read as their decimal text). */
export function requiredId(req: RequestBody, key: string): string {
  if (!present(req, key)) missing(key);
  const v = req[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return String(v);
  if (typeof v !== 'string' || v === '') throw new BadRequest(`Field "${key}" must be an id (a non-empty string).`);
  if (v.length > 128) throw new BadRequest(`Field "${key}" is too long to be an id.`);
  return v;
}

export function requiredInteger(req: RequestBody, key: string, allowed?: readonly number[]): number {
  if (!present(req, key)) missing(key);
  const v = req[key];
  if (typeof v !== 'number' || !Number.isSafeInteger(v)) throw new BadRequest(`Field "${key}" must be an integer.`);
  if (allowed && !allowed.includes(v)) throw new BadRequest(`Field "${key}" must be one of ${allowed.join(', ')}.`);
  return v;
}

/** Epoch milliseconds, as a number or a decimal string. */
export function optionalTime(req: RequestBody, key: string): number | undefined {
  if (!present(req, key)) return undefined;
  // The client's own rule (protocol/fields): a time the client would refuse must not be stored and echoed back.
  const t = timeValue(req[key]);
  if (t !== undefined) return t;
  throw new BadRequest(`Field "${key}" must be a time in epoch milliseconds.`);
}

export function requiredStringList(req: RequestBody, key: string, options: { maxItems: number; maxLength: number; minItems?: number }): string[] {
  if (!present(req, key)) missing(key);
  const v = req[key];
  if (!Array.isArray(v)) throw new BadRequest(`Field "${key}" must be an array of strings.`);
  if (v.length < (options.minItems ?? 0)) throw new BadRequest(`Field "${key}" must list at least ${options.minItems} item(s).`);
  if (v.length > options.maxItems) throw new BadRequest(`Field "${key}" must list at most ${options.maxItems} items.`);
  return v.map((item, i) => {
    if (typeof item !== 'string') throw new BadRequest(`Field "${key}" must be an array of strings (item ${i} is not).`);
    if (item.trim() === '') throw new BadRequest(`Field "${key}" has an empty item at position ${i}.`);
    if (item.length > options.maxLength) throw new BadRequest(`Field "${key}" has an item over ${options.maxLength} characters.`);
    return item;
  });
}

/** A game type: a non-empty string or an integer. */
export function requiredType(req: RequestBody, key: string): string | number {
  if (!present(req, key)) missing(key);
  const v = req[key];
  if (typeof v === 'number' && Number.isSafeInteger(v)) return v;
  if (typeof v === 'string' && v.trim() !== '' && v.length <= 64) return v;
  throw new BadRequest(`Field "${key}" must be a game type (a non-empty string or an integer).`);
}
