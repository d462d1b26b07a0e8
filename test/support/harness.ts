// One running setup of the extension in a real VS Code: the emulator, a
// code-server with the freshly built VSIX installed and its settings pointed
// at the emulator, and (optionally) Chromium showing the workbench. Used by
// the integration launcher, the e2e fixture and `npm start`.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { Browser, Page } from 'playwright-core';
import { launchBrowser, openWorkbench } from './browser';
import { extensionHostLogTail, installExtensions, serveCodeServer, waitForExtensionHost, writeUserSettings, type RunningCodeServer } from './codeServer';
import { startEmulator, useEmulatorBuild, type RunningEmulator } from './emulator';
import { cacheDir, EXTENSION_ID } from './paths';
import { freePort, isListening, liveChildren, onShutdown } from './processes';
import { ensureCodeServer } from './provision';
import { buildExtension, packageVsix } from './vsix';

/** A VSIX to install and the extension id it contains (publisher.name). */
export interface VsixFile {
  readonly file: string;
  readonly id: string;
}

export interface HarnessOptions {
  /** Names the run folder: .vscode-test/runs/<kind>-<time>-<pid>/ */
  readonly kind: string;
  /** Build the extension and its emulator from this tree instead of the working tree (the benchmarks' baseline commit). */
  readonly extensionRoot?: string;
  readonly seed?: 'demo' | 'empty';
  /**
   * false: start no emulator and leave instamrkt.serverUrl / restUrl at what the
   * user set (npm start, where the extension starts its own: one emulator, the one in use).
   */
  readonly emulator?: boolean;
  /** Default: a fresh file in the run folder. */
  readonly emulatorStateFile?: string;
  /** Default: a fresh folder in the run folder. A persistent one keeps a person's state (npm start). */
  readonly userDataDir?: string;
  /** Default: a free port. */
  readonly port?: number;
  /** More VSIX files to install, built while the rest starts; receives the run folder. */
  readonly extraExtensions?: (runDir: string) => Promise<readonly VsixFile[]>;
  /** Runs once the emulator listens, before code-server starts (e.g. to write files the extension host reads); not with `emulator: false`. */
  readonly beforeCodeServer?: (runDir: string, emulator: RunningEmulator) => Promise<void> | void;
  /** User settings on top of the harness's (which point the extension at the emulator). */
  readonly settings?: Record<string, unknown>;
  /**
   * Environment for code-server on top of its own; its extension host inherits it
   * (e.g. NODE_EXTRA_CA_CERTS, to trust a test CA as a system CA would be trusted).
   */
  readonly codeServerEnv?: Record<string, string>;
  /** Open the workbench in Chromium (the extension host starts only when a window connects). */
  readonly browser?: boolean;
  /** Echo the children's output (npm start). */
  readonly echo?: boolean;
  /** VS Code's log level (default: code-server's own, info). */
  readonly logLevel?: 'trace' | 'debug' | 'info';
  readonly log?: (line: string) => void;
}

export interface Harness {
  readonly runDir: string;
  readonly userDataDir: string;
  readonly extensionsDir: string;
  /** The folder the workbench has open (fresh, untrusted). */
  readonly workspaceDir: string;
  readonly vsix: string;
  /** The emulator CLI built for this run (start another one with startEmulator({ script: … })). */
  readonly emulatorScript: string;
  readonly emulator: RunningEmulator;
  readonly codeServer: RunningCodeServer;
  readonly browser?: Browser;
  readonly page?: Page;
  /** Seconds each start-up step took, in order. */
  readonly timings: ReadonlyArray<readonly [string, number]>;
  extensionHostLogTail(lines?: number): string;
  /** Stops browser, code-server and emulator; throws if any of their ports still listens. */
  stop(): Promise<void>;
}

const KEEP_RUNS = 6;

/** A harness started with `emulator: false`. */
export type HarnessWithoutEmulator = Omit<Harness, 'emulator'>;

export function startHarness(options: HarnessOptions & { readonly emulator: false }): Promise<HarnessWithoutEmulator>;
export function startHarness(options: HarnessOptions): Promise<Harness>;
export async function startHarness(options: HarnessOptions): Promise<Harness | HarnessWithoutEmulator> {
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
  fs.mkdirSync(userDataDir, { recursive: true });
  fs.mkdirSync(extensionsDir, { recursive: true });

  const stoppers: (() => Promise<void>)[] = [async () => fs.rmSync(workspaceDir, { recursive: true, force: true })];
  const ports: number[] = [];
  // One teardown, however many callers (a failing start, Ctrl+C, the runner) ask for it.
  let stopped: Promise<void> | undefined;
  const stop = (): Promise<void> => (stopped ??= teardown());
  const teardown = async (): Promise<void> => {
    const errors: string[] = [];
    for (const stopper of stoppers.splice(0).reverse()) {
      await stopper().catch((err: unknown) => errors.push(String(err)));
    }
    for (const port of ports) {
      if (await isListening(port)) errors.push(`port ${port} still listens after teardown`);
    }
    if (errors.length > 0) throw new Error(`teardown: ${errors.join('; ')} (children still running: ${liveChildren().join(', ') || 'none'})`);
  };

  // Ctrl+C / SIGTERM: the same orderly teardown (browser first), then the process exits.
  onShutdown(stop);

  try {
    const provisioned = timed('provision code-server', () => ensureCodeServer(log));
    // Steps running in the background surface their failure where they are awaited, never as an unhandled rejection.
    provisioned.catch(() => undefined);
    // Build first: the emulator runs from the build's dist/emulator.js.
    const build = await timed('build extension', () => buildExtension(path.join(runDir, 'extension'), options.extensionRoot));
    useEmulatorBuild(build.emulatorScript);
    const packaged = timed('package VSIX', () => packageVsix(path.join(runDir, 'instamrkt-game-sources.vsix'), build.dir));
    const extras = options.extraExtensions ? timed('build extra extensions', () => options.extraExtensions!(runDir)) : Promise.resolve([]);
    for (const pending of [packaged, extras]) pending.catch(() => undefined);
    const emulator =
      options.emulator === false
        ? undefined
        : await timed('start emulator', () =>
            startEmulator({ seed: options.seed ?? 'demo', stateFile: options.emulatorStateFile ?? path.join(runDir, 'emulator-state.json'), logFile: path.join(runDir, 'emulator.log'), echo: options.echo }),
          );
    if (emulator) {
      stoppers.push(() => emulator.stop());
      ports.push(emulator.port);
      await options.beforeCodeServer?.(runDir, emulator);
    }
    writeUserSettings(userDataDir, {
      // Without an emulator of ours, undefined drops what an earlier start wrote into a kept profile (JSON leaves it out).
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
    const vsix = await packaged;
    const vsixFiles: VsixFile[] = [{ file: vsix, id: EXTENSION_ID }, ...(await extras)];
    await timed('install VSIX', () => installExtensions(install, { userDataDir, extensionsDir }, vsixFiles, path.join(runDir, 'install.log')));
    checkInstalled(extensionsDir, vsixFiles);

    const port = options.port ?? (await freePort());
    const codeServer = await timed('start code-server', () =>
      serveCodeServer(options.codeServerEnv ? { ...install, env: { ...install.env, ...options.codeServerEnv } } : install, { userDataDir, extensionsDir, port, folder: workspaceDir, logFile: path.join(runDir, 'code-server.log'), echo: options.echo, logLevel: options.logLevel }),
    );
    stoppers.push(() => codeServer.stop());
    ports.push(codeServer.port);

    let browser: Browser | undefined;
    let page: Page | undefined;
    if (options.browser) {
      browser = await timed('launch Chromium', () => launchBrowser());
      const opened = browser;
      stoppers.push(() => opened.close());
      page = await timed('open workbench', () => openWorkbench(opened, codeServer.url));
      await timed('extension host ready', () => waitForExtensionHost(userDataDir));
    }

    const started: HarnessWithoutEmulator = {
      runDir,
      userDataDir,
      extensionsDir,
      workspaceDir,
      vsix,
      emulatorScript: build.emulatorScript,
      codeServer,
      browser,
      page,
      timings,
      extensionHostLogTail: (lines) => extensionHostLogTail(userDataDir, lines),
      stop,
    };
    return emulator ? { ...started, emulator } : started;
  } catch (err) {
    await stop().catch((teardownError: unknown) => log(String(teardownError)));
    throw err;
  }
}

/** The CLI can report success for an extension it skipped: look for the installed folder. */
function checkInstalled(extensionsDir: string, vsixFiles: readonly VsixFile[]): void {
  const folders = fs.readdirSync(extensionsDir).map((name) => name.toLowerCase());
  for (const { file, id } of vsixFiles) {
    if (!folders.some((name) => name.startsWith(`${id.toLowerCase()}-`))) {
      throw new Error(`${path.basename(file)} did not install: no ${id}-* folder in ${extensionsDir} (see install.log in the run folder)`);
    }
  }
}

/** A fresh folder for this run; old runs beyond the last few are deleted. */
function makeRunDir(kind: string): string {
  const runsDir = path.join(cacheDir, 'runs');
  fs.mkdirSync(runsDir, { recursive: true });
  const stamp = new Date().toISOString().replace(/[-:]/g, '').replace('T', '-').slice(0, 15);
  const runDir = path.join(runsDir, `${kind}-${stamp}-${process.pid}`);
  fs.mkdirSync(runDir);
  const old = fs
    .readdirSync(runsDir)
    .map((name) => path.join(runsDir, name))
    .sort((a, b) => fs.statSync(b).mtimeMs - fs.statSync(a).mtimeMs)
    .slice(KEEP_RUNS)
    // A run whose process still lives (a long `npm start`, a parallel test run) keeps its folder.
    .filter((dir) => !ownerAlive(dir));
  for (const dir of old) fs.rmSync(dir, { recursive: true, force: true });
  return runDir;
}

function ownerAlive(runDir: string): boolean {
  const pid = Number(/-(\d+)$/.exec(runDir)?.[1]);
  if (!Number.isInteger(pid) || pid <= 0) return false;
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}
