// Starts the bundled Instamrkt emulator (dist/emulator.js) as a child process
// on a free loopback port and reports where it listens.
import * as path from 'node:path';
import { startChild, waitForOutput, type Child } from './processes';
import { repoRoot } from './paths';
import { READY_LINE, webSocketUrlFor } from '../../src/emulator/readyLine';
import { faultCliArgs, type EmulatorFaults } from '../../src/emulator/faults';

export interface EmulatorOptions {
  seed: 'demo' | 'empty';
  /** The built CLI to run; default: the one the harness built for this run (see useEmulatorBuild), else dist/emulator.js. */
  script?: string;
  /** Where the emulator keeps its state between runs. */
  stateFile: string;
  /** 0 (default) lets the kernel pick a free port. */
  port?: number;
  logFile?: string;
  echo?: boolean;
  /** Log every request by operation name (--verbose), readable through `child.tail()`. */
  verbose?: boolean;
  /** Replies to hold, by operation name, in ms (the CLI's --delay-reply): a slow server. */
  replyDelays?: Readonly<Record<string, number>>;
  /** Fault modes, passed as their CLI flags (--drop-reply, --late-reply, --slow-login, …; see src/emulator/README.md). */
  faults?: EmulatorFaults;
}

export interface RunningEmulator {
  /** REST base, e.g. http://127.0.0.1:41234 */
  readonly restUrl: string;
  /** WebSocket URL on the same port, e.g. ws://127.0.0.1:41234 */
  readonly serverUrl: string;
  readonly port: number;
  readonly stateFile: string;
  readonly child: Child;
  stop(): Promise<void>;
}

export const emulatorScript = path.join(repoRoot, 'dist', 'emulator.js');

let builtScript: string | undefined;

/**
 * The harness builds in a staging folder, not in dist/ (which a fresh clone
 * does not even have): from then on, emulators started in this process
 * without an explicit script (e.g. a test restarting the server) run that build.
 */
export function useEmulatorBuild(script: string): void {
  builtScript = script;
}

export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const args = [options.script ?? builtScript ?? emulatorScript, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--seed', options.seed, '--state', options.stateFile];
  for (const [op, ms] of Object.entries(options.replyDelays ?? {})) args.push('--delay-reply', `${op}=${ms}`);
  args.push(...faultCliArgs(options.faults ?? {}));
  if (options.verbose) args.push('--verbose');
  const child = startChild('emulator', process.execPath, args, { cwd: repoRoot, logFile: options.logFile, echo: options.echo });
  const match = await waitForOutput(child, READY_LINE, 20_000).catch(async (err: unknown) => {
    await child.stop();
    throw err;
  });
  const port = Number(new URL(match[1]).port);
  return {
    restUrl: match[1],
    serverUrl: webSocketUrlFor(match[1]),
    port,
    stateFile: options.stateFile,
    child,
    stop: () => child.stop(),
  };
}
