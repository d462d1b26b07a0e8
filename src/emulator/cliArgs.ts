// Reads the emulator's command line (see HELP) into the options of
// startEmulator; a bad value is a CliUsageError naming the flag, never ignored.
import { readFileSync } from 'node:fs';
import { DEFAULT_OPS, type OpName } from '../protocol';
import { ActiveFaults, EmulatorFaultError, EmulatorFaults } from './faults';
import { SeedName } from './seed';

export interface CliOptions {
  host: string;
  port: number;
  seed: SeedName;
  statePath?: string;
  /** --tls-cert / --tls-key (given together): serve https and wss with this PEM certificate and key. */
  tls?: { certFile: string; keyFile: string };
  /** Every fault flag (--delay-reply, --drop-reply, --late-reply, …), as startEmulator's `faults`. */
  faults: EmulatorFaults;
  verbose: boolean;
}

/** The longest delay a flag accepts: 10 minutes. */
const MAX_FLAG_DELAY_MS = 600_000;

export const USAGE = 'Usage: node dist/emulator.js [options]';

export const HELP = `${USAGE}

A local Instamrkt server (REST sign-in and WebSocket API on one port) for tests
and for trying the extension. Users demo/demo and player/player.

Options:
  --host HOST            interface to listen on (default 127.0.0.1)
  --port N               port, 0 picks a free one (default 9999)
  --seed demo|empty      starting data when there is no state file yet (default demo)
  --state FILE           keep all state in this JSON file (default: memory only)
  --tls-cert FILE        serve REST over https and the WebSocket over wss (one port)
                         with this PEM certificate (chain); needs --tls-key
  --tls-key FILE         the PEM private key of --tls-cert
  --verbose              log connections and each request by op name on stderr
  --help, -h             show this help

Fault modes (a misbehaving server, for tests; OP is an op name such as
open_game_source, MS a whole number of ms up to ${MAX_FLAG_DELAY_MS}):
  --delay-reply OP=MS    hold OP's reply MS after it took effect; the connection's
                         later replies wait behind it (repeatable)
  --drop-reply OP        OP takes effect and is saved, its reply is never sent (repeatable)
  --late-reply OP=MS     send OP's reply MS late without holding later replies,
                         which arrive first (repeatable)
  --interleave-broadcasts  before a reply that echoes an id (336, 345, 3461, 333,
                         341), send a well-formed frame of that code for another id
  --malformed-frames     before a reply that echoes an id, send a frame of that code
                         for another id with ill-typed fields
  --renumber-codes       use other codes (documented + 10000; get_opcodes 2 and
                         error 666 unchanged); get_opcodes reports them
  --refuse-opcodes       answer get_opcodes with 666
  --slow-login MS        answer POST /r/login/ after MS
  --slow-logon MS        answer logon (100) after MS
One reply cannot be delayed, late or dropped at once.`;

export class CliUsageError extends Error {}

/** --help: print HELP on stdout and exit 0. */
export class CliHelpRequested extends Error {}

function delayMs(flag: string, v: string): number {
  if (!/^\d{1,7}$/.test(v)) throw new CliUsageError(`${flag} takes a whole number of ms, not "${v}".`);
  if (Number(v) > MAX_FLAG_DELAY_MS) throw new CliUsageError(`${flag}: at most ${MAX_FLAG_DELAY_MS} ms.`);
  return Number(v);
}

function opName(flag: string, v: string): OpName {
  if (!Object.hasOwn(DEFAULT_OPS, v)) throw new CliUsageError(`${flag}: unknown operation "${v}".`);
  return v as OpName;
}

/** OP=MS, e.g. open_game_source=30000. */
function opDelay(flag: string, v: string): [OpName, number] {
  const m = /^([a-z_]+)=(\d{1,7})$/.exec(v);
  if (!m) throw new CliUsageError(`${flag} takes OP=MS, e.g. open_game_source=30000, not "${v}".`);
  return [opName(flag, m[1]), delayMs(flag, m[2])];
}

/** Parses argv (without node and script); throws CliUsageError with the reason. Accepts `--flag value` and `--flag=value`. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const out: CliOptions = { host: '127.0.0.1', port: 9999, seed: 'demo', faults: {}, verbose: false };
  const faults = out.faults;
  let tlsCert: string | undefined;
  let tlsKey: string | undefined;
  for (let i = 0; i < argv.length; i++) {
    const arg = argv[i];
    const eq = arg.startsWith('--') ? arg.indexOf('=') : -1;
    const flag = eq > 0 ? arg.slice(0, eq) : arg;
    const value = (): string => {
      if (eq > 0) return arg.slice(eq + 1);
      const v = argv[i + 1];
      if (v === undefined || v.startsWith('--')) throw new CliUsageError(`${flag} needs a value.`);
      i++;
      return v;
    };
    const on = (): true => {
      if (eq > 0) throw new CliUsageError(`${flag} takes no value.`);
      return true;
    };
    switch (flag) {
      case '--host': {
        const v = value();
        if (v === '') throw new CliUsageError('--host must not be empty.');
        out.host = v;
        break;
      }
      case '--port': {
        const v = value();
        if (!/^\d{1,5}$/.test(v) || Number(v) > 65535) throw new CliUsageError(`--port must be a number from 0 to 65535, not "${v}".`);
        out.port = Number(v);
        break;
      }
      case '--seed': {
        const v = value();
        if (v !== 'demo' && v !== 'empty') throw new CliUsageError(`--seed must be demo or empty, not "${v}".`);
        out.seed = v;
        break;
      }
      case '--state': {
        const v = value();
        if (v === '') throw new CliUsageError('--state needs a file name.');
        out.statePath = v;
        break;
      }
      case '--tls-cert':
      case '--tls-key': {
        const v = value();
        if (v === '') throw new CliUsageError(`${flag} needs a file name.`);
        if (flag === '--tls-cert') tlsCert = v;
        else tlsKey = v;
        break;
      }
      case '--delay-reply': {
        const [op, ms] = opDelay(flag, value());
        (faults.replyDelays ??= {})[op] = ms;
        break;
      }
      case '--drop-reply': {
        const op = opName(flag, value());
        faults.dropReplies = [...(faults.dropReplies ?? []).filter((o) => o !== op), op];
        break;
      }
      case '--late-reply': {
        const [op, ms] = opDelay(flag, value());
        (faults.lateReplies ??= {})[op] = ms;
        break;
      }
      case '--interleave-broadcasts':
        faults.interleaveBroadcasts = on();
        break;
      case '--malformed-frames':
        faults.malformedFrames = on();
        break;
      case '--renumber-codes':
        faults.renumberCodes = on();
        break;
      case '--refuse-opcodes':
        faults.refuseOpcodes = on();
        break;
      case '--slow-login':
        faults.slowLoginMs = delayMs(flag, value());
        break;
      case '--slow-logon':
        faults.slowLogonMs = delayMs(flag, value());
        break;
      case '--verbose':
        out.verbose = on();
        break;
      case '--help':
      case '-h':
        throw new CliHelpRequested();
      default:
        throw new CliUsageError(`Unknown argument "${arg}".`);
    }
  }
  if ((tlsCert === undefined) !== (tlsKey === undefined)) throw new CliUsageError(tlsCert === undefined ? '--tls-key needs --tls-cert too.' : '--tls-cert needs --tls-key too.');
  if (tlsCert !== undefined && tlsKey !== undefined) out.tls = { certFile: tlsCert, keyFile: tlsKey };
  try {
    // The same checks as startEmulator's, so a conflict (e.g. one op both dropped and late) is a usage error.
    ActiveFaults.from(faults);
  } catch (err) {
    if (err instanceof EmulatorFaultError) throw new CliUsageError(err.message);
    throw err;
  }
  return out;
}

/** Reads the --tls-cert and --tls-key files; one that is missing or unreadable is a CliUsageError naming the flag and the reason. */
export function readTlsFiles(tls: { certFile: string; keyFile: string }): { cert: Buffer; key: Buffer } {
  const read = (flag: string, file: string): Buffer => {
    try {
      return readFileSync(file);
    } catch (err) {
      const code = (err as NodeJS.ErrnoException).code;
      const why = code === 'ENOENT' ? 'no such file' : code === 'EACCES' ? 'permission denied' : code === 'EISDIR' ? 'it is a folder' : (err as Error).message;
      throw new CliUsageError(`${flag}: cannot read "${file}" (${why}).`);
    }
  };
  return { cert: read('--tls-cert', tls.certFile), key: read('--tls-key', tls.keyFile) };
}
