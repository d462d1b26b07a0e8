// Starts every child process of the harness in its own process group, so that a stop, a failure or Ctrl+C ends it with all it spawned.
import { spawn, type ChildProcess } from 'node:child_process';
import * as fs from 'node:fs';
import * as net from 'node:net';

export interface Child {
  readonly name: string;
  /** Resolves with the exit code (or signal name, or 'spawn-error') once the process has exited; status() is it, or undefined before. */
  readonly exited: Promise<number | string>;
  status(): number | string | undefined;
  /** Last lines of stdout+stderr, for error messages. */
  tail(lines?: number): string;
  /** SIGTERM to the whole group, SIGKILL 5 s later; resolves when it has exited. */
  stop(): Promise<void>;
}

/** `logFile`: also append the output there; `inherit`: also pass it on to ours as it comes (npm test's phases, Stryker). */
export interface StartOptions {
  readonly cwd?: string;
  readonly env?: NodeJS.ProcessEnv;
  readonly logFile?: string;
  readonly inherit?: boolean;
}

const live = new Map<Child, ChildProcess>();
const shutdownHooks: (() => Promise<void>)[] = [];
let handlersInstalled = false;
let stopping = false;

/** Starts a command in its own process group and tracks it until it exits. */
export function startChild(name: string, command: string, args: readonly string[], options: StartOptions = {}): Child {
  installHandlers();
  const proc = spawn(command, args, { cwd: options.cwd, env: options.env, detached: true, stdio: ['ignore', 'pipe', 'pipe'] });
  const log = options.logFile ? fs.createWriteStream(options.logFile, { flags: 'a' }) : undefined;
  const recent: string[] = [];
  const onData = (chunk: Buffer, to: NodeJS.WriteStream): void => {
    log?.write(chunk);
    if (options.inherit) to.write(chunk);
    recent.push(...chunk.toString('utf8').split('\n').filter((line) => line.trim() !== ''));
    if (recent.length > 200) recent.splice(0, recent.length - 200);
  };
  proc.stdout?.on('data', (chunk: Buffer) => onData(chunk, process.stdout));
  proc.stderr?.on('data', (chunk: Buffer) => onData(chunk, process.stderr));
  let status: number | string | undefined;
  const exited = new Promise<number | string>((resolve) => {
    proc.on('error', (err) => {
      recent.push(`failed to start: ${err.message}`);
      resolve('spawn-error');
    });
    // Once its output is all read too ('close'), unless something it spawned holds the pipes open.
    proc.on('exit', (code, signal) => {
      proc.once('close', () => resolve(code ?? signal ?? 'unknown'));
      setTimeout(() => resolve(code ?? signal ?? 'unknown'), 1000).unref();
    });
  }).then((code) => (status = code));
  const child: Child = {
    name,
    exited,
    status: () => status,
    tail: (lines = 30) => recent.slice(-lines).join('\n'),
    stop: async () => {
      killGroup(proc, 'SIGTERM');
      const timer = setTimeout(() => killGroup(proc, 'SIGKILL'), 5000);
      await exited;
      clearTimeout(timer);
      killGroup(proc, 'SIGKILL'); // the leader has gone; nothing it spawned may outlive it
    },
  };
  live.set(child, proc);
  void exited.then(() => {
    live.delete(child);
    log?.end();
  });
  return child;
}

/** Runs a command to its end; resolves with its exit status and last lines of output. */
export async function runToEnd(name: string, command: string, args: readonly string[], options: StartOptions = {}): Promise<{ code: number | string; output: string }> {
  const child = startChild(name, command, args, options);
  const code = await child.exited;
  return { code, output: child.tail(200) };
}

/** Runs a command to its end; rejects with its last lines unless it exits with 0. */
export async function run(name: string, command: string, args: readonly string[], options: StartOptions = {}): Promise<void> {
  const { code, output } = await runToEnd(name, command, args, options);
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${output.split('\n').slice(-40).join('\n')}`);
}

/** Runs `hook` first when a signal stops the harness (an orderly teardown that checks ports). */
export function onShutdown(hook: () => Promise<void>): void {
  installHandlers();
  shutdownHooks.push(hook);
}

/** True once a signal has started stopping the harness (children exiting then is expected). */
export function isShuttingDown(): boolean {
  return stopping;
}

/** Stops every child still running. */
export async function stopAll(): Promise<void> {
  await Promise.all([...live.keys()].reverse().map((child) => child.stop()));
}

/** Names of children still running; empty after a clean teardown. */
export function liveChildren(): string[] {
  return [...live.keys()].map((child) => child.name);
}

/** True while the process `pid` exists (a lock's or a run folder's owner). */
export function pidAlive(pid: number): boolean {
  try {
    return Number.isInteger(pid) && pid > 0 && process.kill(pid, 0);
  } catch {
    return false;
  }
}

function killGroup(proc: ChildProcess, signal: NodeJS.Signals): void {
  try {
    if (proc.pid !== undefined) process.kill(-proc.pid, signal);
  } catch {
    // ESRCH: the group has already gone.
  }
}

function installHandlers(): void {
  if (handlersInstalled) return;
  handlersInstalled = true;
  // Last resort when the harness exits without stopping its children.
  process.on('exit', () => [...live.values()].forEach((proc) => killGroup(proc, 'SIGKILL')));
  // `on`, not `once`: Ctrl+C under `npm run` delivers SIGINT twice (from the terminal and
  // forwarded by npm); a second default SIGINT would kill us before our detached children stop.
  for (const signal of ['SIGINT', 'SIGTERM', 'SIGHUP'] as const) {
    process.on(signal, () => {
      if (stopping) return;
      stopping = true;
      console.error(`\n${signal}: stopping ${liveChildren().join(', ') || 'nothing'}`);
      void (async () => {
        for (const hook of shutdownHooks.splice(0).reverse()) await hook().catch((err: unknown) => console.error(String(err)));
        await stopAll();
      })().finally(() => process.exit(signal === 'SIGINT' ? 130 : 143));
    });
  }
}

/** A free TCP port on 127.0.0.1 (the kernel picks it; closed again before returning). */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = net.createServer().unref().on('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      server.close(() => resolve(typeof address === 'object' && address ? address.port : 0));
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
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}
