// Starts the bundled Instamrkt emulator (dist/emulator.js of the run's build) on a loopback port, the real server the tests talk to.
import * as path from 'node:path';
import { faultCliArgs, type EmulatorFaults } from '../../src/emulator/faults';
import { READY_LINE, webSocketUrlFor } from '../../src/emulator/readyLine';
import { repoRoot } from './paths';
import { startChild, waitForOutput, type Child } from './processes';

export interface EmulatorOptions {
  /** Where the emulator keeps its state between runs. */
  readonly stateFile: string;
  /** 0 (default) lets the kernel pick a free port. */
  readonly port?: number;
  readonly logFile?: string;
  /** Log every request by operation name (--verbose), readable through `child.tail()`. */
  readonly verbose?: boolean;
  /** Replies to hold, by operation name, in ms (--delay-reply): a slow server. */
  readonly replyDelays?: Readonly<Record<string, number>>;
  /** Fault modes, passed as their CLI flags (see src/emulator/README.md). */
  readonly faults?: EmulatorFaults;
}

export interface RunningEmulator {
  /** REST base, e.g. http://127.0.0.1:41234; serverUrl is the WebSocket URL on the same port. */
  readonly restUrl: string;
  readonly serverUrl: string;
  readonly port: number;
  readonly stateFile: string;
  readonly child: Child;
  stop(): Promise<void>;
}

/** The harness builds in a staging folder (a fresh clone has no dist/): emulators started later in this process (a test restarting the server) run that build. */
let script = path.join(repoRoot, 'dist', 'emulator.js');
export function useEmulatorBuild(built: string): void {
  script = built;
}

/** Starts the emulator with the demo seed; resolves once it prints its ready line. */
export async function startEmulator(options: EmulatorOptions): Promise<RunningEmulator> {
  const faults = { ...options.faults, replyDelays: { ...options.faults?.replyDelays, ...options.replyDelays } };
  const args = [script, '--host', '127.0.0.1', '--port', String(options.port ?? 0), '--seed', 'demo', '--state', options.stateFile, ...faultCliArgs(faults)];
  const child = startChild('emulator', process.execPath, options.verbose ? [...args, '--verbose'] : args, { cwd: repoRoot, logFile: options.logFile });
  const [, restUrl] = await waitForOutput(child, READY_LINE, 20_000);
  const port = Number(new URL(restUrl).port);
  return { restUrl, serverUrl: webSocketUrlFor(restUrl), port, stateFile: options.stateFile, child, stop: () => child.stop() };
}
