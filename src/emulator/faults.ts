// The emulator's fault modes: ways a real server may misbehave, for tests of
// the client and the extension. This module holds their options, checks them
// (a bad option is refused, never ignored), and answers the questions the
// request path asks: hold this reply? drop it? send it late? No fault set
// (`{}`) is the faithful server.
import { DEFAULT_OPS, type OpName } from '../protocol';
import { WireCodes } from './wireCodes';

/** Every fault is off unless set. `startEmulator({ faults })`, `emulator.setFaults(faults)`. */
export interface EmulatorFaults {
  /** Hold each named op's reply this many ms after it took effect; the connection's later replies wait behind it (FIFO kept). CLI --delay-reply OP=MS. */
  replyDelays?: Partial<Record<OpName, number>>;
  /** The op takes effect (and is saved) but its reply, whatever its code, is never sent. CLI --drop-reply OP. */
  dropReplies?: readonly OpName[];
  /** Send each named op's reply this many ms later without holding the connection's later replies, which overtake it. CLI --late-reply OP=MS. */
  lateReplies?: Partial<Record<OpName, number>>;
  /** Before a reply that echoes an id (336, 345, 3461, 333, 341), send a well-formed frame of the same res for another (random) id. CLI --interleave-broadcasts. */
  interleaveBroadcasts?: boolean;
  /** Before a reply that echoes an id, send a frame of the same res for another id with ill-typed fields. CLI --malformed-frames. */
  malformedFrames?: boolean;
  /** Speak another numbering: every code + 10000 except get_opcodes (2 → 2) and the error 666; get_opcodes reports it. CLI --renumber-codes. */
  renumberCodes?: boolean;
  /** Answer get_opcodes with a 666. CLI --refuse-opcodes. */
  refuseOpcodes?: boolean;
  /** POST /r/login/ answers this many ms after it took effect. CLI --slow-login MS. */
  slowLoginMs?: number;
  /** logon (100) is answered this many ms after it took effect (as replyDelays.logon). CLI --slow-logon MS. */
  slowLogonMs?: number;
}

/** A fault option that is not usable; its message names the option. */
export class EmulatorFaultError extends Error {
  readonly code = 'emulator-faults';
  constructor(message: string) {
    super(message);
    this.name = 'EmulatorFaultError';
  }
}

/** The longest delay a fault takes: setTimeout's own limit (about 24.8 days). */
export const MAX_FAULT_DELAY_MS = 2_147_483_647;

/** Resolves after `ms`; unref'd, so a held reply never keeps a stopping emulator (or a test process) alive. */
export function pause(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms).unref());
}

function opCode(name: string, option: string): number {
  if (!Object.hasOwn(DEFAULT_OPS, name)) throw new EmulatorFaultError(`Unknown operation "${name}" in ${option}.`);
  return DEFAULT_OPS[name as OpName];
}

function checkMs(ms: unknown, what: string): number {
  if (typeof ms !== 'number' || !Number.isSafeInteger(ms) || ms < 0 || ms > MAX_FAULT_DELAY_MS) {
    throw new EmulatorFaultError(`${what} must be a whole number of ms from 0 to ${MAX_FAULT_DELAY_MS}, not ${String(ms)}.`);
  }
  return ms;
}

/** Op code → ms, leaving out zeros (0 = no fault). */
function msByOp(table: Partial<Record<OpName, number>> | undefined, option: string, what: string): Map<number, number> {
  const out = new Map<number, number>();
  for (const [name, ms] of Object.entries(table ?? {}) as [string, number | undefined][]) {
    const op = opCode(name, option);
    if (ms === undefined) continue;
    const checked = checkMs(ms, `The ${what} of ${name}`);
    if (checked > 0) out.set(op, checked);
  }
  return out;
}

function flag(value: unknown, option: string): boolean {
  if (value !== undefined && typeof value !== 'boolean') throw new EmulatorFaultError(`${option} must be true or false.`);
  return value === true;
}

/** A checked set of faults, as the request path reads it. Immutable: setFaults swaps the whole set. */
export class ActiveFaults {
  readonly #hold: ReadonlyMap<number, number>;
  readonly #late: ReadonlyMap<number, number>;
  readonly #drop: ReadonlySet<number>;
  readonly interleaveBroadcasts: boolean;
  readonly malformedFrames: boolean;
  readonly refuseOpcodes: boolean;
  readonly slowLoginMs: number;
  readonly codes: WireCodes;

  private constructor(readonly options: Readonly<EmulatorFaults>) {
    const hold = msByOp(options.replyDelays, 'replyDelays', 'reply delay');
    const slowLogon = checkMs(options.slowLogonMs ?? 0, 'slowLogonMs');
    if (slowLogon > 0) {
      if (hold.has(DEFAULT_OPS.logon)) throw new EmulatorFaultError('Set the logon delay once: slowLogonMs (--slow-logon) or replyDelays.logon (--delay-reply logon=MS), not both.');
      hold.set(DEFAULT_OPS.logon, slowLogon);
    }
    this.#hold = hold;
    this.#late = msByOp(options.lateReplies, 'lateReplies', 'late reply');
    const drops = options.dropReplies ?? [];
    if (!Array.isArray(drops)) throw new EmulatorFaultError('dropReplies must be a list of operation names.');
    this.#drop = new Set(drops.map((name: string) => opCode(name, 'dropReplies')));
    // One reply cannot be both held and late, or dropped and sent: refuse rather than pick one in silence.
    for (const [op, name] of Object.entries(DEFAULT_OPS).map(([n, c]) => [c, n] as const)) {
      const modes = [this.#hold.has(op) && 'delayed', this.#late.has(op) && 'late', this.#drop.has(op) && 'dropped'].filter(Boolean);
      if (modes.length > 1) throw new EmulatorFaultError(`The reply to ${name} cannot be ${modes.join(' and ')} at once.`);
    }
    this.interleaveBroadcasts = flag(options.interleaveBroadcasts, 'interleaveBroadcasts');
    this.malformedFrames = flag(options.malformedFrames, 'malformedFrames');
    this.refuseOpcodes = flag(options.refuseOpcodes, 'refuseOpcodes');
    this.codes = flag(options.renumberCodes, 'renumberCodes') ? WireCodes.renumbered : WireCodes.documented;
    this.slowLoginMs = checkMs(options.slowLoginMs ?? 0, 'slowLoginMs');
  }

  /** Checks `faults` (throws EmulatorFaultError naming the bad option) and keeps a copy, so later changes by the caller do not leak in. */
  static from(faults: EmulatorFaults): ActiveFaults {
    return new ActiveFaults(copyFaults(faults));
  }

  /** ms to hold the connection before sending this op's replies (0: none). */
  holdMs(op: number): number {
    return this.#hold.get(op) ?? 0;
  }

  /** ms after which this op's reply is sent on its own (0: not late). */
  lateMs(op: number): number {
    return this.#late.get(op) ?? 0;
  }

  drops(op: number): boolean {
    return this.#drop.has(op);
  }
}

/** A copy that shares no list or table with `f`. */
export function copyFaults(f: EmulatorFaults): EmulatorFaults {
  const out: EmulatorFaults = { ...f };
  if (f.replyDelays) out.replyDelays = { ...f.replyDelays };
  if (f.lateReplies) out.lateReplies = { ...f.lateReplies };
  if (Array.isArray(f.dropReplies)) out.dropReplies = [...f.dropReplies];
  return out;
}

/** The same faults as command-line arguments (what test/support/emulator.ts passes to dist/emulator.js). */
export function faultCliArgs(faults: EmulatorFaults): string[] {
  const args: string[] = [];
  for (const [op, ms] of Object.entries(faults.replyDelays ?? {})) args.push('--delay-reply', `${op}=${ms}`);
  for (const op of faults.dropReplies ?? []) args.push('--drop-reply', op);
  for (const [op, ms] of Object.entries(faults.lateReplies ?? {})) args.push('--late-reply', `${op}=${ms}`);
  if (faults.interleaveBroadcasts) args.push('--interleave-broadcasts');
  if (faults.malformedFrames) args.push('--malformed-frames');
  if (faults.renumberCodes) args.push('--renumber-codes');
  if (faults.refuseOpcodes) args.push('--refuse-opcodes');
  if (faults.slowLoginMs) args.push('--slow-login', String(faults.slowLoginMs));
  if (faults.slowLogonMs) args.push('--slow-logon', String(faults.slowLogonMs));
  return args;
}

/** One line per fault in force, for the CLI to print after its ready line. */
export function describeFaults(faults: EmulatorFaults): string[] {
  const lines: string[] = [];
  for (const [op, ms] of Object.entries(faults.replyDelays ?? {})) lines.push(`Replies to ${op} are held for ${ms} ms.`);
  for (const op of faults.dropReplies ?? []) lines.push(`Fault: replies to ${op} are dropped (the operation still takes effect).`);
  for (const [op, ms] of Object.entries(faults.lateReplies ?? {})) lines.push(`Fault: replies to ${op} are sent ${ms} ms late, after later replies.`);
  if (faults.interleaveBroadcasts) lines.push('Fault: replies that echo an id are preceded by a frame of the same code for another id.');
  if (faults.malformedFrames) lines.push('Fault: replies that echo an id are preceded by a malformed frame of the same code for another id.');
  if (faults.renumberCodes) lines.push('Fault: codes are renumbered (+10000, except get_opcodes 2 and error 666); get_opcodes reports them.');
  if (faults.refuseOpcodes) lines.push('Fault: get_opcodes is refused with 666.');
  if (faults.slowLoginMs) lines.push(`Fault: POST /r/login/ answers after ${faults.slowLoginMs} ms.`);
  if (faults.slowLogonMs) lines.push(`Fault: logon (100) answers after ${faults.slowLogonMs} ms.`);
  return lines;
}
