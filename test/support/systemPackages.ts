// Checks the Debian packages the harness needs (Chromium, and the -dev
// packages code-server's native modules build against) and installs the
// missing ones when we run as root; otherwise says in one line what to install.
import { execFileSync, spawnSync } from 'node:child_process';
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
export function ensureSystemPackages(packages: readonly string[]): void {
  const missing = packages.filter((pkg) => !isInstalled(pkg));
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw new MissingSystemPackagesError(missing);
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  const env = { ...process.env, DEBIAN_FRONTEND: 'noninteractive' };
  execFileSync('apt-get', ['update', '-qq'], { stdio: 'inherit', env });
  execFileSync('apt-get', ['install', '-y', '-qq', ...missing], { stdio: 'inherit', env });
  const stillMissing = missing.filter((pkg) => !isInstalled(pkg));
  if (stillMissing.length > 0) throw new MissingSystemPackagesError(stillMissing);
}
