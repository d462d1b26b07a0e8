// Reads the emulator's command line:
// [--host H] [--port N] [--seed demo|empty] [--state FILE] [--delay-reply OP=MS]... [--verbose].
import { DEFAULT_OPS, type OpName } from '../protocol/codes';
import { SeedName } from './seed';

export interface CliOptions {
  host: string;
  port: number;
  seed: SeedName;
  statePath?: string;
  /** --delay-reply open_game_source=30000 (repeatable): hold that op's replies (a slow server, for tests). */
  replyDelays: Partial<Record<OpName, number>>;
  verbose: boolean;
}

/** The longest reply delay accepted: 10 minutes. */
const MAX_REPLY_DELAY_MS = 600_000;

export const USAGE = 'Usage: node dist/emulator.js [--host 127.0.0.1] [--port 9999] [--seed demo|empty] [--state FILE] [--delay-reply OP=MS]... [--verbose]';

export class CliUsageError extends Error {}

/** Parses argv (without node and script); throws CliUsageError with the reason. Accepts `--flag value` and `--flag=value`. */
export function parseCliArgs(argv: readonly string[]): CliOptions {
  const out: CliOptions = { host: '127.0.0.1', port: 9999, seed: 'demo', replyDelays: {}, verbose: false };
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
      case '--delay-reply': {
        const v = value();
        const m = /^([a-z_]+)=(\d{1,7})$/.exec(v);
        if (!m) throw new CliUsageError(`--delay-reply takes OP=MS, e.g. open_game_source=30000, not "${v}".`);
        if (!Object.hasOwn(DEFAULT_OPS, m[1])) throw new CliUsageError(`--delay-reply: unknown operation "${m[1]}".`);
        if (Number(m[2]) > MAX_REPLY_DELAY_MS) throw new CliUsageError(`--delay-reply: at most ${MAX_REPLY_DELAY_MS} ms.`);
        out.replyDelays[m[1] as OpName] = Number(m[2]);
        break;
      }
      case '--verbose':
        if (eq > 0) throw new CliUsageError('--verbose takes no value.');
        out.verbose = true;
        break;
      case '--help':
      case '-h':
        throw new CliUsageError('');
      default:
        throw new CliUsageError(`Unknown argument "${arg}".`);
    }
  }
  return out;
}
