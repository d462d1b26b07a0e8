// Child processes of the harness: each runs in its own process group so that
// it and everything it spawned (code-server's extension host, Chromium's
// helpers) can be stopped together, on a normal stop, on failure, and on
// Ctrl+C / SIGTERM of the harness itself.
import { spawn, type ChildProcess, type SpawnOptions } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface Child {
  readonly name: string;
  readonly process: ChildProcess;
  /** Resolves with the exit code (or signal name) once the process has exited. */
  readonly exited: Promise<number | string>;
  /** Last lines of stdout+stderr, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM to the whole group, SIGKILL after `graceMs`; resolves when it has exited. */
  stop(graceMs?: number): Promise<void>;
}

const live = new Set<Child>();
const shutdownHooks: (() => Promise<void>)[] = [];
let handlersInstalled = false;
let stopping = false;

/** Runs `hook` first when a signal stops the harness (e.g. an orderly teardown that also checks ports). */
export function onShutdown(hook: () => Promise<void>): void {
  installHandlers();
  shutdownHooks.push(hook);
}

export interface StartOptions extends Omit<SpawnOptions, 'detached' | 'stdio'> {
  /** Also append the output to this file. */
  logFile?: string;
  /** Echo each output line to our stdout with a prefix. */
  echo?: boolean;
}

/** Starts a command in its own process group and tracks it until it exits. */
export function startChild(name: string, command: string, args: readonly string[], options: StartOptions = {}): Child {
  installHandlers();
  const { logFile, echo, ...spawnOptions } = options;
  const proc = spawn(command, args, { ...spawnOptions, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = logFile ? fs.createWriteStream(logFile, { flags: 'a' }) : undefined;
  const recent: string[] = [];
  const onData = (chunk: Buffer): void => {
    log?.write(chunk);
    for (const line of chunk.toString('utf8').split('\n')) {
      if (line.trim() === '') continue;
      recent.push(line);
      if (echo) console.log(`[${name}] ${line}`);
    }
    if (recent.length > 200) recent.splice(0, recent.length - 200);
  };
  proc.stdout?.on('data', onData);
  proc.stderr?.on('data', onData);
  const exited = new Promise<number | string>((resolve) => {
    proc.on('error', (err) => {
      recent.push(`failed to start: ${err.message}`);
      resolve('spawn-error');
    });
    proc.on('exit', (code, signal) => resolve(code ?? signal ?? 'unknown'));
  });
  const child: Child = {
    name,
    process: proc,
    exited,
    tail: (lines = 30) => recent.slice(-lines).join('\n'),
    stop: async (graceMs = 5000) => {
      killGroup(proc, 'SIGTERM');
      const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), graceMs);
      await exited;
      clearTimeout(timer);
      // The leader has gone; make sure nothing it spawned outlives it.
      killGroup(proc, 'SIGKILL');
    },
  };
  live.add(child);
  void exited.then(() => {
    live.delete(child);
    log?.end();
  });
  return child;
}

/** Resolves with the first stdout/stderr match of `pattern`; rejects if the process exits or the deadline passes. */
export function waitForOutput(child: Child, pattern: RegExp, timeoutMs: number): Promise<RegExpMatchArray> {
  return new Promise((resolve, reject) => {
    let buffered = '';
    const cleanup = (): void => {
      clearTimeout(timer);
      child.process.stdout?.off('data', onData);
      child.process.stderr?.off('data', onData);
    };
    const onData = (chunk: Buffer): void => {
      buffered += chunk.toString('utf8');
      const match = buffered.match(pattern);
      if (match) {
        cleanup();
        resolve(match);
      }
    };
    const timer = setTimeout(() => {
      cleanup();
      reject(new Error(`${child.name} did not print ${pattern} within ${timeoutMs / 1000} s; last output:\n${child.tail()}`));
    }, timeoutMs);
    child.process.stdout?.on('data', onData);
    child.process.stderr?.on('data', onData);
    void child.exited.then((code) => {
      cleanup();
      reject(new Error(`${child.name} exited (${code}) before printing ${pattern}; last output:\n${child.tail()}`));
    });
  });
}

/** Stops every child still running (in reverse start order). */
export async function stopAll(): Promise<void> {
  const children = [...live].reverse();
  await Promise.all(children.map((child) => child.stop()));
}

/** Names of children still running; empty after a clean teardown. */
export function liveChildren(): string[] {
  return [...live].map((child) => child.name);
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  if (proc.pid === undefined) return;
  try {
    process.kill(-proc.pid, signal);
  } catch {
    // ESRCH: the group has already gone.
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort when the harness exits without stopping its children.
  process.on('exit', () => {
    for (const child of live) killGroup(child.process, 'SIGKILL');
  });
  // `on`, not `once`: Ctrl+C under `npm run` delivers SIGINT twice (from the
  // terminal and forwarded by npm); a second default SIGINT would kill us
  // before our detached children are stopped.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping ${liveChildren().join(', ') || 'nothing'}`);
      const hooks = shutdownHooks.splice(0).reverse();
      void (async () => {
        for (const hook of hooks) await hook().catch((err: unknown) => console.error(String(err)));
        await stopAll();
      })().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** True once a signal has started stopping the harness (children exiting then is expected). */
export function isShuttingDown(): boolean {
  return stopping;
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer();
    server.unref();
    server.on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

/** True when something accepts TCP connections on 127.0.0.1:port. */
export function isListening(port: number): Promise<boolean> {
  return new Promise((resolve) => {
    const socket = net.connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });
}

/** Polls `check` every `intervalMs` until it returns a value other than undefined, or the deadline passes. */
export async function pollUntil<T>(what: string, timeoutMs: number, check: () => Promise<T | undefined> | T | undefined, intervalMs = 250): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined) return value;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}`);
    await new Promise((r) => setTimeout(r, intervalMs));
  }
}
