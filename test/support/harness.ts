// Starts the extension in a real VS Code, as a person gets it, for the in-host, e2e and start jobs and the benchmarks: the emulator, code-server with the freshly built VSIX, and Chromium on the workbench.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { chromium, type Page } from 'playwright-core';
import type { SuiteResults } from '../integration/suite';
import { startEmulator, useEmulatorBuild, type RunningEmulator } from './emulator';
import { cacheDir, CHROMIUM_PATH, EXTENSION_ID } from './paths';
import { freePort, isListening, liveChildren, onShutdown, pidAlive, pollUntil, run, startChild, type Child } from './processes';
import { BROWSER_PACKAGES, ensureCodeServer, ensureSystemPackages, type CodeServerInstall } from './provision';
import { buildTestRunner, waitForResults, writeRunFile, type InHostSuite } from './suite';
import { buildExtension, packageVsix } from './vsix';

export interface HarnessOptions {
  /** Names the run folder: .vscode-test/runs/<kind>-<time>-<pid>/ */
  readonly kind: string;
  /** Build the extension and its emulator from this tree instead of the working tree (the benchmarks' baseline). */
  readonly extensionRoot?: string;
  /** false: no emulator, and instamrkt.serverUrl / restUrl stay as the user set them (npm start: the extension starts its own). */
  readonly emulator?: boolean;
  /** npm start's: a kept profile (default: fresh in the run folder) and port 8080 (default: a free one). */
  readonly userDataDir?: string;
  readonly port?: number;
  /** A suite to run in the extension host, carried by the test-runner extension (read it with suiteResults()). */
  readonly suite?: InHostSuite;
  /** User settings on top of the harness's (which point the extension at the emulator). */
  readonly settings?: Record<string, unknown>;
  /** Environment for code-server and its extension host (NODE_EXTRA_CA_CERTS: trust a test CA as a system one). */
  readonly codeServerEnv?: Record<string, string>;
  /** Open the workbench in Chromium (the extension host starts only when a window connects). */
  readonly browser?: boolean;
  /** VS Code's log level for every logger (the in-host suite checks that no level logs a secret). */
  readonly logLevel?: 'trace';
  readonly log?: (line: string) => void;
}

export interface Harness {
  readonly runDir: string;
  readonly userDataDir: string;
  /** The folder the workbench has open (fresh, untrusted: Restricted Mode, as a person would see it). */
  readonly workspaceDir: string;
  readonly vsix: string;
  readonly emulator: RunningEmulator;
  /** The workbench URL (with the folder open) and code-server's process. */
  readonly codeServer: { readonly port: number; readonly url: string; readonly child: Child };
  readonly page?: Page;
  extensionHostLogTail(lines?: number): string;
  /** The results of `options.suite`, once it has run in the extension host. */
  suiteResults(): Promise<SuiteResults>;
  /** Stops browser, code-server and emulator; throws if any of their ports still listens. */
  stop(): Promise<void>;
}

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export function startHarness(options: HarnessOptions & { readonly emulator: false }): Promise<Omit<Harness, 'emulator'>>;
export function startHarness(options: HarnessOptions): Promise<Harness>;
export async function startHarness(options: HarnessOptions): Promise<Harness | Omit<Harness, 'emulator'>> {
  const log = options.log ?? ((line: string) => console.log(line));
  const timings: [string, number][] = [];
  const timed = async <T>(step: string, work: () => Promise<T>): Promise<T> => {
    const started = Date.now();
    const value = await work();
    timings.push([step, (Date.now() - started) / 1000]);
    return value;
  };
  const runDir = makeRunDir(options.kind);
  const userDataDir = options.userDataDir ?? path.join(runDir, 'user-data');
  const extensionsDir = path.join(runDir, 'extensions');
  const workspaceDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-workspace-'));
  fs.mkdirSync(extensionsDir, { recursive: true });
  const stoppers: (() => Promise<void>)[] = [async () => fs.rmSync(workspaceDir, { recursive: true, force: true })];
  const ports: number[] = [];
  // One teardown, however many ask for it (a failing start, Ctrl+C / SIGTERM, the job), browser first.
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> =>
    (stopped ??= (async () => {
      const errors: string[] = [];
      for (const stopper of stoppers.splice(0).reverse()) await stopper().catch((err: unknown) => errors.push(String(err)));
      for (const port of ports) if (await isListening(port)) errors.push(`port ${port} still listens after teardown`);
      if (errors.length > 0) throw new Error(`teardown: ${errors.join('; ')} (children still running: ${liveChildren().join(', ') || 'none'})`);
    })());
  onShutdown(stop);

  try {
    const provisioned = timed('provision code-server', () => ensureCodeServer(log));
    provisioned.catch(() => undefined); // its failure surfaces where it is awaited, never as an unhandled rejection
    // Build first: the emulator runs from the build's dist/emulator.js.
    const build = await timed('build extension', () => buildExtension(path.join(runDir, 'extension'), options.extensionRoot));
    useEmulatorBuild(build.emulatorScript);
    const packaged = timed('package VSIX', () => packageVsix(path.join(runDir, 'instamrkt-game-sources.vsix'), build.dir));
    const suite = options.suite;
    const runner = suite ? timed('build test runner', () => buildTestRunner(runDir, suite, log)) : Promise.resolve(undefined);
    [packaged, runner].forEach((pending) => pending.catch(() => undefined));
    let emulator: RunningEmulator | undefined;
    if (options.emulator !== false) {
      const running = await timed('start emulator', () => startEmulator({ stateFile: path.join(runDir, 'emulator-state.json'), logFile: path.join(runDir, 'emulator.log') }));
      emulator = running;
      stoppers.push(() => running.stop());
      ports.push(running.port);
      if (suite) writeRunFile(runDir, running, suite);
    }
    writeUserSettings(userDataDir, {
      // Without an emulator of ours, undefined drops what an earlier start wrote into a kept profile.
      'instamrkt.serverUrl': emulator?.serverUrl,
      'instamrkt.restUrl': emulator?.restUrl,
      // A person's first start shows the Welcome page; tests want a plain workbench.
      'workbench.startupEditor': 'none',
      'telemetry.telemetryLevel': 'off',
      'extensions.autoCheckUpdates': false,
      'extensions.autoUpdate': false,
      'update.mode': 'none',
      // code-server 4.139 opens a Chat side bar by default; it is not part of what we test and hides the UI.
      'workbench.secondarySideBar.defaultVisibility': 'hidden',
      'chat.disableAIFeatures': true,
      ...options.settings,
    });

    const install = await provisioned;
    const codeServerArgs = [install.entry, '--user-data-dir', userDataDir, '--extensions-dir', extensionsDir, '--disable-telemetry', '--disable-update-check'];
    const vsix = await packaged;
    const vsixFiles = [{ file: vsix, id: EXTENSION_ID }, ...[await runner].filter((built) => built !== undefined)];
    await timed('install VSIX', () => installExtensions(install, codeServerArgs, extensionsDir, vsixFiles, path.join(runDir, 'install.log')));

    const port = options.port ?? (await freePort());
    const args = [...codeServerArgs, '--auth', 'none', '--bind-addr', `127.0.0.1:${port}`, '--ignore-last-opened', ...(options.logLevel ? ['--log', options.logLevel] : []), workspaceDir];
    const child = startChild('code-server', install.node, args, { env: { ...install.env, ...options.codeServerEnv }, logFile: path.join(runDir, 'code-server.log') });
    stoppers.push(() => child.stop());
    ports.push(port);
    await timed('start code-server', () =>
      pollUntil(`code-server to listen on 127.0.0.1:${port}`, 60_000, async () => {
        if (child.status() !== undefined) throw new Error(`code-server exited (${child.status()}) before listening:\n${child.tail()}`);
        return (await isListening(port)) || undefined;
      }),
    );
    const codeServer = { port, url: `http://127.0.0.1:${port}/?folder=${encodeURIComponent(workspaceDir).replace(/%2F/g, '/')}`, child };

    let page: Page | undefined;
    if (options.browser) {
      if (!fs.existsSync(CHROMIUM_PATH)) await ensureSystemPackages(BROWSER_PACKAGES);
      // Our own signal handlers stop the browser together with the other children.
      const browser = await timed('launch Chromium', () => chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false }));
      stoppers.push(() => browser.close());
      page = await timed('open workbench', async () => {
        // The workbench's clipboard (vscode.env.clipboard) is the browser's: without these it waits forever.
        const opened = await (await browser.newContext({ viewport: { width: 1440, height: 900 }, permissions: ['clipboard-read', 'clipboard-write'] })).newPage();
        await opened.goto(codeServer.url, { timeout: 90_000 });
        await opened.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 90_000 });
        return opened;
      });
      // From "Eager extensions activated" on, the workbench knows every installed extension's commands and views.
      await timed('extension host ready', () =>
        pollUntil('the extension host to start (no "Eager extensions activated" in its log)', 90_000, () => {
          const file = extensionHostLog(userDataDir);
          return (file && fs.readFileSync(file, 'utf8').includes('Eager extensions activated')) || undefined;
        }),
      );
    }
    log(`Harness up (${timings.map(([step, s]) => `${step} ${s.toFixed(1)} s`).join(', ')}); run folder ${path.relative(process.cwd(), runDir)}`);
    const started = { runDir, userDataDir, workspaceDir, vsix, codeServer, page, stop };
    const suiteResults = (): Promise<SuiteResults> => (suite ? waitForResults(child, runDir) : Promise.reject(new Error('the harness was started without a suite')));
    const extensionHostLogTail = (lines = 40): string => {
      const file = extensionHostLog(userDataDir);
      if (!file) return `(no extension host log under ${path.join(userDataDir, 'logs')}: the host never started)`;
      return `--- last ${lines} lines of ${file} ---\n${fs.readFileSync(file, 'utf8').trimEnd().split('\n').slice(-lines).join('\n')}`;
    };
    return { ...started, emulator, suiteResults, extensionHostLogTail };
  } catch (err) {
    await stop().catch((teardownError: unknown) => log(String(teardownError)));
    throw err;
  }
}

/** Writes <user-data>/User/settings.json, merged over what is there. */
export function writeUserSettings(userDataDir: string, settings: Record<string, unknown>): void {
  const file = path.join(userDataDir, 'User', 'settings.json');
  fs.mkdirSync(path.dirname(file), { recursive: true });
  const existing: unknown = fs.existsSync(file) ? JSON.parse(fs.readFileSync(file, 'utf8')) : {};
  fs.writeFileSync(file, `${JSON.stringify({ ...(existing && typeof existing === 'object' ? existing : {}), ...settings }, null, 2)}\n`);
}

/** `code-server --install-extension` for every VSIX in one process; the CLI can report success for one it skipped, so look for its folder. */
async function installExtensions(install: CodeServerInstall, codeServerArgs: string[], extensionsDir: string, vsix: readonly { file: string; id: string }[], logFile: string): Promise<void> {
  await run('code-server --install-extension', install.node, [...codeServerArgs, ...vsix.flatMap(({ file }) => ['--install-extension', file]), '--force'], { env: install.env, logFile });
  const folders = fs.readdirSync(extensionsDir).map((name) => name.toLowerCase());
  for (const { file, id } of vsix) {
    if (!folders.some((name) => name.startsWith(`${id.toLowerCase()}-`))) throw new Error(`${path.basename(file)} did not install: no ${id}-* folder in ${extensionsDir} (see install.log in the run folder)`);
  }
}

const newestFirst = (files: string[]): string[] => files.sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs);

/** The newest extension host log of a user-data folder, or undefined before the host started. */
function extensionHostLog(userDataDir: string): string | undefined {
  const logsDir = path.join(userDataDir, 'logs');
  const logs = fs.existsSync(logsDir) ? fs.readdirSync(logsDir, { recursive: true, encoding: 'utf8' }).filter((name) => /(^|[\\/])(remote)?exthost\.log$/.test(name)) : [];
  return newestFirst(logs.map((name) => path.join(logsDir, name)))[0];
}

/** A fresh folder for this run; old runs beyond the last six are deleted, unless their process still lives (a long npm start). */
function makeRunDir(kind: string): string {
  const runsDir = path.join(cacheDir, 'runs');
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runDir = path.join(runsDir, `${kind}-${stamp}-${process.pid}`);
  fs.mkdirSync(runDir, { recursive: true });
  for (const dir of newestFirst(fs.readdirSync(runsDir).map((name) => path.join(runsDir, name))).slice(6)) {
    if (!pidAlive(Number(/-(\d+)$/.exec(dir)?.[1]))) fs.rmSync(dir, { recursive: true, force: true });
  }
  return runDir;
}
