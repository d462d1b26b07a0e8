// Checks the Debian packages the harness needs (Chromium, and the -dev
// packages code-server's native modules build against) and installs the
// missing ones when we run as root; otherwise says in one line what to install.
// When another process holds the package manager's lock, it says so in one line
// and tries again, instead of failing with apt-get's error.
import { spawn, spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import { CHROMIUM_PATH } from './paths';

/** Needed to build code-server's native modules (kerberos, native-keymap, keytar…). */
export const BUILD_PACKAGES = ['libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev'] as const;
/** Needed to see and drive the workbench. */
export const BROWSER_PACKAGES = ['chromium'] as const;

export class MissingSystemPackagesError extends Error {
  constructor(readonly packages: readonly string[]) {
    super(`missing Debian packages: run \`sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\``);
    this.name = 'MissingSystemPackagesError';
  }
}

function isInstalled(pkg: string): boolean {
  if (pkg === 'chromium') return fs.existsSync(CHROMIUM_PATH);
  const result = spawnSync('dpkg-query', ['-W', '-f=${Status}', pkg], { encoding: 'utf8' });
  return result.status === 0 && result.stdout.includes('install ok installed');
}

/**
 * Makes sure `packages` are installed. As root (CI, containers) installs the
 * missing ones with apt-get; otherwise throws MissingSystemPackagesError.
 */
export async function ensureSystemPackages(packages: readonly string[]): Promise<void> {
  const missing = packages.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new MissingSystemPackagesError(missing);
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  await aptGet(['update', '-qq']);
  await aptGet(['install', '-y', '-qq', ...missing]);
  const stillMissing = missing.filter((pkg) => !isInstalled(pkg));
  if (stillMissing.length > 0) throw new MissingSystemPackagesError(stillMissing);
}

/** Who holds the package manager's lock, from apt-get's "Could not get lock … It is held by process 1234 (unattended-upgr)". */
export function lockHolder(stderr: string): { pid: number; name: string } | undefined {
  if (!/Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory/.test(stderr)) return undefined;
  const held = /held by process (\d+)(?: \(([^)]*)\))?/.exec(stderr);
  return { pid: held ? Number(held[1]) : 0, name: held?.[2] ?? 'another process' };
}

/** What one apt-get run ended with. */
export interface AptRun {
  readonly status: number | null;
  readonly stderr: string;
}

export interface AptOptions {
  /** Give up waiting for the lock after this long (default 10 minutes). */
  readonly waitMs?: number;
  readonly retryEveryMs?: number;
  readonly log?: (line: string) => void;
  /** Runs apt-get (its output shown, its stderr also returned); replaced in unit tests. */
  readonly run?: (args: readonly string[]) => Promise<AptRun>;
}

function runAptGet(args: readonly string[]): Promise<AptRun> {
  return new Promise((resolve, reject) => {
    const child = spawn('apt-get', args, { stdio: ['ignore', 'inherit', 'pipe'], env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } });
    let stderr = '';
    child.stderr.setEncoding('utf8');
    child.stderr.on('data', (chunk: string) => (stderr += chunk));
    child.on('error', (err) => reject(new Error(`apt-get ${args.join(' ')} could not run: ${err.message}`)));
    child.on('close', (status) => resolve({ status, stderr }));
  });
}

/** `apt-get args`; while another process holds the lock, says so once and tries again. Fails with one line. */
export async function aptGet(args: readonly string[], options: AptOptions = {}): Promise<void> {
  const { waitMs = 10 * 60_000, retryEveryMs = 5_000, log = console.log, run = runAptGet } = options;
  const what = `apt-get ${args.join(' ')}`;
  const deadline = Date.now() + waitMs;
  let announced = false;
  for (;;) {
    const result = await run(args);
    if (result.status === 0) {
      if (result.stderr.trim() !== '') process.stderr.write(result.stderr); // warnings, shown as apt-get wrote them
      return;
    }
    const holder = lockHolder(result.stderr);
    if (!holder) throw new Error(`${what} failed (exit ${result.status}): ${result.stderr.trim().split('\n').slice(-3).join(' | ')}`);
    const who = holder.pid ? `${holder.name} (process ${holder.pid})` : holder.name;
    if (Date.now() + retryEveryMs > deadline) throw new Error(`${what}: the package manager is still locked by ${who} after ${Math.round(waitMs / 1000)} s; try again once it has finished`);
    if (!announced) log(`The package manager is busy: ${who} holds its lock. Waiting for it to finish (up to ${Math.round(waitMs / 60_000)} min)…`);
    announced = true;
    await new Promise((resolve) => setTimeout(resolve, retryEveryMs));
  }
}
