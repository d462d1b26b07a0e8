// One client frame, start to end: decode it, map its op from the wire's
// numbering, run it (ops.ts), persist, then send the reply and broadcasts,
// applying the fault modes in force (held, late or dropped replies, stray
// frames for other ids, renumbered codes). Runs from the connection's FIFO
// queue, so a connection's replies leave in request order unless a fault
// says otherwise.
import { DEFAULT_RESPONSES as R, isObj } from '../protocol';
import { Connection, envelope } from './connections';
import { ActiveFaults, pause } from './faults';
import { RequestBody } from './fields';
import { OP_NAMES, OpEnvironment, Outcome, runOp } from './ops';
import { strayFramesBefore } from './strayFrames';


/** Decodes a frame into a request, or the 666 text explaining why it is not one. */
function parseRequest(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): { op: number; req: RequestBody } | string {
  if (isBinary) return 'Binary frames are not supported; send JSON text.';
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'The message is not valid JSON.';
  }
  if (!isObj(parsed)) return 'The message must be a JSON object.';
  const op = parsed.op;
  if (op === undefined || op === null) return 'Field "op" is required.';
  if (typeof op !== 'number' || !Number.isSafeInteger(op)) return 'Field "op" must be an integer.';
  return { op, req: parsed };
}

/** Handles one frame from `conn`; call it from the connection's FIFO queue. */
export async function handleFrame(env: OpEnvironment, conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Promise<void> {
  const now = env.now();
  // One request sees one set of faults, even if a test changes them while its reply is held.
  const faults = env.faults();
  const parsed = parseRequest(data, isBinary);
  if (typeof parsed === 'string') return conn.send(envelope(R.error, { text: parsed }, now));
  const op = faults.codes.opFromWire(parsed.op);
  // The op's name only: parameters may hold what the log must not (a --verbose log is often shared).
  env.log(`user ${conn.userId}: ${(op !== undefined && OP_NAMES.get(op)) || `op ${parsed.op}`}`);
  if (op === undefined) return conn.send(envelope(R.error, { text: `Unknown operation ${parsed.op}.` }, now));
  await deliver(env, conn, op, runOp(env, conn, op, parsed.req, now), faults);
}

/** Persists what `op` changed, then sends what it produced, as the faults say. */
async function deliver(env: OpEnvironment, conn: Connection, op: number, outcome: Outcome, faults: ActiveFaults): Promise<void> {
  if (outcome.changed) await env.saver.save();
  const hold = faults.holdMs(op);
  // Held: the op has taken effect and been saved; the connection's later replies wait behind this one.
  if (hold > 0) await pause(hold);
  const wire = (res: number, body: Record<string, unknown>, t: number) => envelope(faults.codes.resToWire(res), body, t);
  const t = env.now();
  for (const d of outcome.out) {
    if (!d.reply) {
      d.to.send(wire(d.res, d.body, t));
      continue;
    }
    // Strays go where the reply would have gone in FIFO order, whether the reply itself is sent, late or dropped.
    for (const stray of strayFramesBefore(op, d, faults)) conn.send(wire(stray.res, stray.body, t));
    if (faults.drops(op)) {
      env.log(`fault: reply ${d.res} to op ${op} dropped`);
      continue;
    }
    const late = faults.lateMs(op);
    if (late > 0) {
      // Not awaited: the queue moves on, so later replies overtake this one.
      void pause(late).then(() => d.to.send(wire(d.res, d.body, env.now())));
      continue;
    }
    d.to.send(wire(d.res, d.body, t));
  }
}
