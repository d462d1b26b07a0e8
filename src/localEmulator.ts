// Runs the bundled emulator (dist/emulator.js) in a child process, so it can
// neither block nor crash the extension host. One per window; starting it
// again while it runs reuses it.
import type { ChildProcess } from 'node:child_process';
import { mkdirSync } from 'node:fs';
import { dirname } from 'node:path';
import { Emitter } from './protocol/events';
import { READY_LINE } from './emulator/readyLine';
import { errorMessage } from './protocol/errors';

const START_TIMEOUT_MS = 20_000;

export interface RunningEmulator {
  /** http://127.0.0.1:PORT (REST); the WebSocket is ws:// on the same host and port. */
  httpUrl: string;
  wsUrl: string;
  pid: number | undefined;
}

export class LocalEmulatorError extends Error {
  readonly code = 'emulator';
}

export class LocalEmulator {
  #child: ChildProcess | undefined;
  #running: Promise<RunningEmulator> | undefined;
  readonly #exited = new Emitter<{ code: number | null; signal: NodeJS.Signals | null; expected: boolean }>();
  /** Fires when the emulator process ends, whether stopped or crashed. */
  readonly onDidExit = this.#exited.event;
  #stopping = false;

  readonly #scriptPath: string;
  readonly #statePath: string;

  constructor(scriptPath: string, statePath: string) {
    this.#scriptPath = scriptPath;
    this.#statePath = statePath;
  }

  get isRunning(): boolean {
    return this.#child !== undefined;
  }

  /** Starts it, or returns the running one. Rejects with the cause (port in use, crash, timeout). */
  start(): Promise<RunningEmulator> {
    if (!this.#running) {
      this.#running = this.#spawn().catch((err) => {
        this.#running = undefined;
        throw err;
      });
    }
    return this.#running;
  }

  async #spawn(): Promise<RunningEmulator> {
    // Loaded on first use: activation does not need child_process.
    const { fork } = await import('node:child_process');
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
      this.#stopping = false;
      let out = '';
      let errText = '';
      let settled = false;
      let ready = false;
      const timer = setTimeout(() => fail(`it did not report ready within ${START_TIMEOUT_MS / 1000} s`), START_TIMEOUT_MS);
      const fail = (why: string) => {
        if (settled) return;
        settled = true;
        clearTimeout(timer);
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
        if (m) {
          settled = true;
          ready = true;
          clearTimeout(timer);
          const httpUrl = m[1];
          resolve({ httpUrl, wsUrl: httpUrl.replace(/^http:/, 'ws:'), pid: child.pid });
        } else if (out.length > 64 * 1024) {
          out = out.slice(-1024);
        }
      });
      child.stderr?.on('data', (chunk: string) => {
        errText = (errText + chunk).slice(-4096);
      });
      child.on('error', (err) => fail(err.message));
      child.on('exit', (code, signal) => {
        if (this.#child === child) {
          this.#child = undefined;
          this.#running = undefined;
        }
        fail(`it exited (code ${code ?? 'none'}${signal ? `, signal ${signal}` : ''})`);
        // An exit before it was ready is the start's failure, already reported by start().
        if (ready) this.#exited.fire({ code, signal, expected: this.#stopping });
      });
    });
  }

  /** Stops it (SIGTERM, then SIGKILL after 5 s). Resolves when the process is gone. */
  async stop(): Promise<void> {
    const child = this.#child;
    if (!child) return;
    this.#stopping = true;
    await new Promise<void>((resolve) => {
      const force = setTimeout(() => child.kill('SIGKILL'), 5000);
      child.once('exit', () => {
        clearTimeout(force);
        resolve();
      });
      child.kill('SIGTERM');
    });
  }

  dispose(): void {
    this.#child?.kill('SIGTERM');
    this.#child = undefined;
    this.#exited.dispose();
  }
}
