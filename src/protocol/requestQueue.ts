// The pending requests of one connection and the rule that says which of them
// a frame from the server answers (PROTOCOL.md §4). Pure: no sockets, no
// timers, no promises. It returns decisions; its user acts on them. Deadlines
// are plain numbers on whatever clock the user passes in.
import { ProtocolError, ServerError } from './errors';
import type { ServerMessage } from './messages';

/** Ids a reply must echo to be taken as the answer to a request. */
export interface EchoIds {
  source_id?: string;
  game_id?: string;
}

export interface PendingRequest<T> {
  /** Send order, from 1. */
  readonly seq: number;
  readonly opName: string;
  /** Response codes (of the table the request was sent with) that answer it. */
  readonly expected: readonly number[];
  readonly echo: EchoIds;
  /** When it times out, on the caller's clock. */
  readonly deadline: number;
  /** Whatever the caller needs to settle it; the queue never looks inside. */
  readonly ticket: T;
}

export interface NewRequest<T> {
  opName: string;
  expected: readonly number[];
  echo?: EchoIds;
  deadline: number;
  ticket: T;
}

export type Decision<T> =
  /** The frame is this request's reply. */
  | { kind: 'resolve'; entry: PendingRequest<T>; message: ServerMessage }
  /** The frame refuses this request (a 666) or is its reply but malformed. */
  | { kind: 'reject'; entry: PendingRequest<T>; error: ServerError | ProtocolError }
  /** A well-formed frame that answers no pending request: a broadcast. */
  | { kind: 'event'; message: ServerMessage }
  /** A malformed frame that cannot be shown to belong to any pending request. */
  | { kind: 'drop'; error: ProtocolError; why: string };

const ECHO_FIELDS = ['source_id', 'game_id'] as const;

function hasEcho(echo: EchoIds): boolean {
  return echo.source_id !== undefined || echo.game_id !== undefined;
}

/** True when `fields` carries, unchanged, every id the request named. A field that is missing does not match. */
function echoes(echo: EchoIds, fields: Readonly<Record<string, unknown>>): boolean {
  for (const key of ECHO_FIELDS) {
    const want = echo[key];
    if (want !== undefined && fields[key] !== want) return false;
  }
  return true;
}

/**
 * The ids a frame carries, read from its raw JSON without trusting it: a
 * string, or a safe integer written as its decimal string (as the decoder
 * reads ids). Used for frames the decoder refused, to tell whose they are.
 */
export function rawEchoIds(parsed: unknown): EchoIds {
  const ids: EchoIds = {};
  // Object() of anything but an object has no own id fields (and never throws), so no type test is needed.
  const fields = Object(parsed) as Record<string, unknown>;
  for (const key of ECHO_FIELDS) {
    const v = fields[key];
    if (typeof v === 'string') ids[key] = v;
    else if (
      Number.isSafeInteger(v) &&
      // Stryker disable next-line ConditionalExpression: Number.isSafeInteger is true only for numbers; the typeof test narrows the type.
      typeof v === 'number'
    )
      ids[key] = String(v);
  }
  return ids;
}

export class RequestQueue<T> {
  /** In send order. Replies nearly always answer the head, so removal is usually a shift. */
  #entries: PendingRequest<T>[] = [];
  #seq = 0;
  /** False once a request has expired: the server may still answer it, and that late answer would look like a later request's. */
  #inStep = true;

  get size(): number {
    return this.#entries.length;
  }

  /**
   * False once a request has expired and until drain(): replies carry no
   * request id, so from then on no frame settles any request (each is an event
   * or dropped). The user ends that connection and drains.
   */
  get inStep(): boolean {
    return this.#inStep;
  }

  add(request: NewRequest<T>): PendingRequest<T> {
    // A literal of fixed shape: hot, so no spread (which makes a slower object).
    const { opName, expected, echo = {}, deadline, ticket } = request;
    const entry: PendingRequest<T> = { seq: ++this.#seq, opName, expected, echo, deadline, ticket };
    this.#entries.push(entry);
    return entry;
  }

  /**
   * Decides what one decoded frame is, and removes the request it settles.
   * `rawIds` are the ids a malformed frame carries (see rawEchoIds).
   *
   * - 666: rejects the oldest pending request (the server answers in order
   *   and a 666 names no request); with none pending it is an event.
   * - A well-formed reply: the oldest request that expects its code and
   *   whose echoed ids it carries; otherwise it is an event (a broadcast).
   * - A malformed frame with a code: it fails a request only when it can be
   *   that request's reply: the request echoes ids and the frame carries
   *   them, or the request echoes none and is the oldest expecting the code.
   *   Anything else is dropped, never charged to a request it may not be for.
   * - Out of step (see inStep): nothing settles a request.
   */
  match(frame: ServerMessage | ProtocolError, rawIds: EchoIds = {}): Decision<T> {
    if (!this.#inStep) {
      const why = 'a request timed out on this connection';
      return frame instanceof ProtocolError ? { kind: 'drop', error: frame, why } : { kind: 'event', message: frame };
    }
    if (frame instanceof ProtocolError) return this.#matchMalformed(frame, rawIds);
    if (frame.name === 'error') {
      if (this.#entries.length === 0) return { kind: 'event', message: frame };
      return { kind: 'reject', entry: this.#removeAt(0), error: new ServerError(frame.body.text) };
    }
    const fields = frame.body as Readonly<Record<string, unknown>>;
    const entries = this.#entries;
    for (let i = 0; i < entries.length; i++) {
      const entry = entries[i];
      if (entry.expected.includes(frame.res) && echoes(entry.echo, fields)) return { kind: 'resolve', entry: this.#removeAt(i), message: frame };
    }
    return { kind: 'event', message: frame };
  }

  #matchMalformed(error: ProtocolError, rawIds: EchoIds): Decision<T> {
    const res = error.res;
    if (res === undefined) return { kind: 'drop', error, why: 'it has no response code' };
    let oldest = true;
    for (let i = 0; i < this.#entries.length; i++) {
      const entry = this.#entries[i];
      if (!entry.expected.includes(res)) continue;
      const belongs = hasEcho(entry.echo) ? echoes(entry.echo, rawIds as Record<string, unknown>) : oldest;
      if (belongs) return { kind: 'reject', entry: this.#removeAt(i), error };
      oldest = false;
    }
    return { kind: 'drop', error, why: oldest ? `no pending request expects code ${res}` : `it carries no id of a pending request of code ${res}` };
  }

  /** Removes and returns every request whose deadline is at or before `now`, oldest first; if any, the queue is out of step. */
  expire(now: number): PendingRequest<T>[] {
    const expired: PendingRequest<T>[] = [];
    const kept: PendingRequest<T>[] = [];
    for (const entry of this.#entries) (entry.deadline <= now ? expired : kept).push(entry);
    if (expired.length > 0) {
      this.#entries = kept;
      this.#inStep = false;
    }
    return expired;
  }

  /** The earliest deadline of a pending request, if any. */
  nextDeadline(): number | undefined {
    let next: number | undefined;
    for (const entry of this.#entries) if (next === undefined || entry.deadline < next) next = entry.deadline;
    return next;
  }

  /** Removes and returns every pending request, oldest first: the connection ended. The queue is in step again, for a new one. */
  drain(): PendingRequest<T>[] {
    const all = this.#entries;
    this.#entries = [];
    this.#inStep = true;
    return all;
  }

  #removeAt(index: number): PendingRequest<T> {
    return (index === 0 ? this.#entries.shift() : this.#entries.splice(index, 1)[0]) as PendingRequest<T>;
  }
}
