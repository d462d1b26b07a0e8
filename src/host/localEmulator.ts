// Runs the bundled emulator (dist/emulator.js) in a child process, so it can
// neither block nor crash the extension host. One per window; starting it
// again while it runs reuses it. Stop always wins: a stop during a start
// leaves no process behind, and stopping depends on nothing but the process.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Emitter, errorMessage } from '../protocol';
import { READY_LINE, webSocketUrlFor } from '../emulator/readyLine';

const START_TIMEOUT_MS = 20_000;
/** How long a stopped emulator gets to exit cleanly (it saves its state) before it is killed. */
const STOP_GRACE_MS = 5_000;

export interface RunningEmulator {
  /** http://127.0.0.1:PORT (REST); the WebSocket is ws:// on the same host and port. */
  httpUrl: string;
  wsUrl: string;
  pid: number | undefined;
}

export class LocalEmulatorError extends Error {
  readonly code: 'emulator' | 'emulator-stopped' = 'emulator';
}

/** The start was abandoned because stop() was called: nothing to report to the user. */
export class LocalEmulatorStoppedError extends LocalEmulatorError {
  override readonly code = 'emulator-stopped';
  constructor() {
    super('The local emulator was stopped before it was ready.');
  }
}

export class LocalEmulator {
  #child: ChildProcess | undefined;
  #running: Promise<RunningEmulator> | undefined;
  /** Bumped by stop(): a start begun earlier forks nothing, or ends what it forked. */
  #epoch = 0;
  /** Processes we asked to end: their exit is expected. */
  readonly #stopped = new WeakSet<ChildProcess>();
  readonly #exited = new Emitter<{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }>();
  /** Fires when the emulator process ends, whether stopped or crashed. */
  readonly onDidExit = this.#exited.event;

  readonly #scriptPath: string;
  readonly #statePath: string;

  constructor(scriptPath: string, statePath: string) {
    this.#scriptPath = scriptPath;
    this.#statePath = statePath;
  }

  /** Starts it, or returns the running one. Rejects with the cause (port in use, crash, timeout). */
  start(): Promise<RunningEmulator> {
    if (!this.#running) {
      const running: Promise<RunningEmulator> = this.#spawn(this.#epoch).catch((err) => {
        if (this.#running === running) this.#running = undefined;
        throw err;
      });
      this.#running = running;
    }
    return this.#running;
  }

  async #spawn(epoch: number): Promise<RunningEmulator> {
    // Loaded on first use: activation does not need child_process.
    const { fork } = await import('node:child_process');
    if (epoch !== this.#epoch) throw new LocalEmulatorStoppedError();
    return new Promise<RunningEmulator>((resolve, reject) => {
      const args = ['--host', '127.0.0.1', '--port', '0', '--seed', 'demo', '--state', this.#statePath];
      let child: ChildProcess;
      try {
        // The extension's global storage folder does not exist on a fresh profile.
        mkdirSync(dirname(this.#statePath), { recursive: true });
        child = fork(this.#scriptPath, args, {
          silent: true,
          execArgv: [],
          // Under Electron the host binary must be told to behave as plain Node.
          env: { ...process.env, ELECTRON_RUN_AS_NODE: '1' },
        });
      } catch (err) {
        reject(new LocalEmulatorError(`Could not start the local emulator: ${errorMessage(err)}`));
        return;
      }
      this.#child = child;
      let out = '';
      let errText = '';
      let settled = false;
      let ready = false;
      const timer = setTimeout(() => fail(`it did not report ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
        // stop() is ending this one (and lets it save its state first).
        if (this.#stopped.has(child)) {
          reject(new LocalEmulatorStoppedError());
          return;
        }
        child.kill('SIGKILL');
        const detail = errText.trim().split('\n').slice(-3).join(' ').trim();
        reject(new LocalEmulatorError(`The local emulator failed to start: ${why}${detail ? ` — ${detail}` : ''}`));
      };
      child.stdout?.setEncoding('utf8');
      child.stderr?.setEncoding('utf8');
      child.stdout?.on('data', (chunk: string) => {
        if (settled) return;
        out += chunk;
        const m = READY_LINE.exec(out);
        if (m && epoch !== this.#epoch) {
          fail('it was stopped');
        } else if (m) {
          settled = true;
          ready = true;
          clearTimeout(timer);
          const httpUrl = m[1];
          resolve({ httpUrl, wsUrl: webSocketUrlFor(httpUrl), pid: child.pid });
        } else if (out.length > 64 * 1024) {
          out = out.slice(-1024);
        }
      });
      child.stderr?.on('data', (chunk: string) => {
        errText = (errText + chunk).slice(-4096);
      });
      child.on('error', (err) => fail(err.message));
      child.on('exit', (code, signal) => {
        if (this.#child === child) this.#child = undefined;
        // After a stop(), #running may already belong to a newer start.
        if (epoch === this.#epoch) this.#running = undefined;
        fail(`it exited (code ${code ?? 'none'}${signal ? `, signal ${signal}` : ''})`);
        // An exit before it was ready is the start's failure, already reported by start().
        if (ready) this.#exited.fire({ code, signal, expected: this.#stopped.has(child) });
      });
    });
  }

  /**
   * Stops it, or the start in flight (SIGTERM, then SIGKILL after a grace
   * period). Resolves when no process of ours is left.
   */
  async stop(): Promise<void> {
    this.#epoch++;
    this.#running = undefined;
    const child = this.#child;
    if (!child) return;
    this.#stopped.add(child);
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  dispose(): void {
    this.#epoch++;
    const child = this.#child;
    this.#child = undefined;
    this.#running = undefined;
    if (child) {
      this.#stopped.add(child);
      child.kill('SIGTERM');
      // The window is closing: do not hold it open, but do not leave the process either.
      setTimeout(() => child.kill('SIGKILL'), STOP_GRACE_MS).unref();
    }
    this.#exited.dispose();
  }
}
