// Runs the provisioned code-server: installs VSIX files into a run's
// extensions folder, writes the run's user settings, and serves the workbench
// on a loopback port.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { CodeServerInstall } from './provision';
import { isListening, pollUntil, startChild, type Child } from './processes';

export interface CodeServerDirs {
  readonly userDataDir: string;
  readonly extensionsDir: string;
}

export interface RunningCodeServer {
  readonly port: number;
  /** Workbench URL with the folder opened, e.g. http://127.0.0.1:PORT/?folder=/tmp/ws */
  readonly url: string;
  readonly child: Child;
  stop(): Promise<void>;
}

function baseArgs(install: CodeServerInstall, dirs: CodeServerDirs): string[] {
  return [install.entry, '--user-data-dir', dirs.userDataDir, '--extensions-dir', dirs.extensionsDir, '--disable-telemetry', '--disable-update-check'];
}

/** `code-server --install-extension` for each VSIX (one process for all of them). */
export async function installExtensions(install: CodeServerInstall, dirs: CodeServerDirs, vsix: readonly { readonly file: string }[], logFile?: string): Promise<void> {
  const args = [...baseArgs(install, dirs), ...vsix.flatMap(({ file }) => ['--install-extension', file]), '--force'];
  const child = startChild('code-server --install-extension', install.node, args, { env: install.env, logFile });
  const code = await child.exited;
  if (code !== 0) throw new Error(`installing ${vsix.map(({ file }) => path.basename(file)).join(', ')} failed (exit ${code}):\n${child.tail()}`);
}

/** Writes <user-data>/User/settings.json (merged over what is there). */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  let existing: Record<string, unknown> = {};
  if (fs.existsSync(file)) {
    const parsed: unknown = JSON.parse(fs.readFileSync(file, 'utf8'));
    if (parsed && typeof parsed === 'object') existing = parsed as Record<string, unknown>;
  }
  fs.writeFileSync(file, `${JSON.stringify({ ...existing, ...settings }, null, 2)}\n`);
}

export interface ServeOptions extends CodeServerDirs {
  readonly port: number;
  /** Folder the workbench opens (a fresh one: Restricted Mode, as a person would see it). */
  readonly folder: string;
  readonly logFile?: string;
  readonly echo?: boolean;
  /** VS Code's log level for every logger, extension output channels included (tests use 'trace' to check nothing secret is logged at any level). */
  readonly logLevel?: 'trace' | 'debug' | 'info';
}

/** Starts code-server without auth on 127.0.0.1:port; resolves once it accepts connections. */
export async function serveCodeServer(install: CodeServerInstall, options: ServeOptions): Promise<RunningCodeServer> {
  const args = [...baseArgs(install, options), '--auth', 'none', '--bind-addr', `127.0.0.1:${options.port}`, '--ignore-last-opened'];
  if (options.logLevel) args.push('--log', options.logLevel);
  args.push(options.folder);
  const child = startChild('code-server', install.node, args, { env: install.env, logFile: options.logFile, echo: options.echo });
  try {
    await pollUntil(`code-server to listen on 127.0.0.1:${options.port}`, 60_000, async () => {
      const status = child.process.exitCode ?? child.process.signalCode;
      if (status !== null) throw new Error(`code-server exited (${status}) before listening:\n${child.tail()}`);
      return (await isListening(options.port)) ? true : undefined;
    });
  } catch (err) {
    await child.stop();
    throw err;
  }
  return {
    port: options.port,
    url: `http://127.0.0.1:${options.port}/?folder=${encodeURIComponent(options.folder).replace(/%2F/g, '/')}`,
    child,
    stop: () => child.stop(),
  };
}

/** The newest extension host log of a user-data folder, or undefined before the host started. */
export function findExtensionHostLog(userDataDir: string): string | undefined {
  const logsDir = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logsDir)) return undefined;
  const found: { file: string; mtime: number }[] = [];
  const walk = (dir: string): void => {
    for (const entry of fs.readdirSync(dir, { withFileTypes: true })) {
      const full = path.join(dir, entry.name);
      if (entry.isDirectory()) walk(full);
      else if (entry.name === 'remoteexthost.log' || entry.name === 'exthost.log') found.push({ file: full, mtime: fs.statSync(full).mtimeMs });
    }
  };
  walk(logsDir);
  found.sort((a, b) => b.mtime - a.mtime);
  return found[0]?.file;
}

/** Last lines of the extension host log, for failure messages. */
export function extensionHostLogTail(userDataDir: string, lines = 40): string {
  const file = findExtensionHostLog(userDataDir);
  if (!file) return `(no extension host log under ${path.join(userDataDir, 'logs')}: the host never started)`;
  const text = fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
  return `--- last ${lines} lines of ${file} ---\n${text}`;
}

/**
 * Resolves once the extension host that a connected window started has
 * activated its startup extensions: from then on the workbench knows every
 * installed extension's contributions (commands in the palette, views).
 */
export async function waitForExtensionHost(userDataDir: string, timeoutMs = 90_000): Promise<void> {
  await pollUntil('the extension host to start (no "Eager extensions activated" in its log)', timeoutMs, () => {
    const file = findExtensionHostLog(userDataDir);
    return file && fs.readFileSync(file, 'utf8').includes('Eager extensions activated') ? true : undefined;
  });
}
