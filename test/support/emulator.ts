// Starts the bundled Instamrkt emulator (dist/emulator.js of the run's build) on a loopback port, the real server the tests talk to.
import * as path from 'node:path';
import { faultCliArgs, type EmulatorFaults } from '../../src/emulator/faults';
import { READY_LINE, webSocketUrlFor } from '../../src/emulator/readyLine';
import { repoRoot } from './paths';
import { pollUntil, startChild, type Child } from './processes';

/**
 * `stateFile`: where it keeps its state between runs; `port`: 0 (default) lets the kernel pick; `verbose`: log every
 * request by operation name, readable through `child.tail()`; `replyDelays`: replies to hold, by operation name, in ms
 * (a slow server); `faults`: fault modes, passed as their CLI flags (see src/emulator/README.md).
 */
export interface EmulatorOptions {
  readonly stateFile: string;
  readonly port?: number;
  readonly logFile?: string;
  readonly verbose?: boolean;
  readonly replyDelays?: Readonly<Record<string, number>>;
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
  let restUrl: string;
  try {
    [, restUrl] = await pollUntil(`the emulator's ready line`, 20_000, () => {
      if (child.status() !== undefined) throw new Error(`the emulator exited (${child.status()}) before it was ready; last output:\n${child.tail()}`);
      return READY_LINE.exec(child.tail(200)) ?? undefined;
    }, 50);
  } catch (err) {
    await child.stop();
    throw err;
  }
  return { restUrl, serverUrl: webSocketUrlFor(restUrl), port: Number(new URL(restUrl).port), stateFile: options.stateFile, child, stop: () => child.stop() };
}
