// The numbers the emulator puts on the wire: the documented op and response
// codes, or (fault --renumber-codes) a server of its own numbering, so tests
// can check that a client really speaks the table get_opcodes gives it.
// Inside the emulator everything uses the documented codes; only the edges
// (reading a request's op, writing a frame's res, the get_opcodes reply) map.
import { DEFAULT_OPS, DEFAULT_RESPONSES, type OpName, type ResName } from '../protocol';

/** What --renumber-codes adds to every documented code it moves. */
export const RENUMBER_OFFSET = 10_000;

/**
 * Codes a renumbered server still answers at their documented number:
 * get_opcodes (op 2 → res 2), so a client can learn the table, and the error
 * res 666, the one reply a client must understand before it has the table
 * (the answer to an op sent with the documented, now unknown, number).
 */
const KEPT_OPS: ReadonlySet<OpName> = new Set(['get_opcodes']);
const KEPT_RESPONSES: ReadonlySet<ResName> = new Set(['opcodes', 'error']);

function shift<K extends string>(table: Readonly<Record<K, number>>, kept: ReadonlySet<K>): Record<K, number> {
  const out: Record<K, number> = { ...table };
  for (const name of Object.keys(out) as K[]) if (!kept.has(name)) out[name] += RENUMBER_OFFSET;
  return out;
}

export class WireCodes {
  readonly #opFromWire: ReadonlyMap<number, number>;
  readonly #resToWire: ReadonlyMap<number, number>;

  private constructor(
    readonly ops: Readonly<Record<OpName, number>>,
    readonly responses: Readonly<Record<ResName, number>>,
  ) {
    this.#opFromWire = new Map((Object.keys(ops) as OpName[]).map((name) => [ops[name], DEFAULT_OPS[name]]));
    this.#resToWire = new Map((Object.keys(responses) as ResName[]).map((name) => [DEFAULT_RESPONSES[name], responses[name]]));
  }

  static readonly documented = new WireCodes({ ...DEFAULT_OPS }, { ...DEFAULT_RESPONSES });
  static readonly renumbered = new WireCodes(shift(DEFAULT_OPS, KEPT_OPS), shift(DEFAULT_RESPONSES, KEPT_RESPONSES));

  /** The documented op a wire op stands for; undefined for a number this numbering has no op for. */
  opFromWire(wire: number): number | undefined {
    return this.#opFromWire.get(wire);
  }

  /** The wire number of a documented response code. */
  resToWire(res: number): number {
    return this.#resToWire.get(res) ?? res;
  }

  /** The fields of the get_opcodes reply. */
  table(): { opcodes: Record<OpName, number>; response_codes: Record<ResName, number> } {
    return { opcodes: { ...this.ops }, response_codes: { ...this.responses } };
  }
}
