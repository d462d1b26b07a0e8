// The e2e fixture: one emulator + code-server (with the freshly built VSIX
// and settings pointing at the emulator) + Chromium on the workbench, started
// once per run by the first suite that asks for it and stopped by the e2e
// runner. Gives tests the page, a Workbench helper, the emulator's URLs, the
// means to stop and restart that emulator (with fault modes), and named steps
// that each leave a screenshot under test-results/e2e/.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Page } from 'playwright-core';
import type { EmulatorFaults } from '../../src/emulator/faults';
import { startEmulator, type RunningEmulator } from '../support/emulator';
import { startHarness, type Harness } from '../support/harness';
import { resultsDir } from '../support/paths';
import { Workbench, waitUntil } from './workbench';

export const screenshotsDir = path.join(resultsDir, 'e2e');

export interface E2eFixture {
  readonly page: Page;
  readonly workbench: Workbench;
  /** REST base of the run's emulator, e.g. http://127.0.0.1:41234 */
  readonly emulatorUrl: string;
  /** WebSocket URL of the run's emulator (what instamrkt.serverUrl is set to). */
  readonly serverUrl: string;
  readonly harness: Harness;
  /** The emulator serving now: the harness's, or the one the last startServer() started (same port and state file). */
  server(): RunningEmulator;
  /** Stops the emulator serving now: the server goes away (the extension sees its connection drop). */
  stopServer(): Promise<void>;
  /**
   * Starts the emulator again on the run's port and state file, with these
   * fault modes (none: a faithful server), logging each request and sign-in
   * (--verbose, read through `server().child.tail()`). Whoever sets faults
   * restarts it without them afterwards: the server is shared by every e2e file.
   */
  startServer(options?: ServerOptions): Promise<RunningEmulator>;
  restartServer(options?: ServerOptions): Promise<RunningEmulator>;
  /** Saves a screenshot as test-results/e2e/NN-<name>.png; returns its path. */
  screenshot(name: string): Promise<string>;
  /**
   * Runs one user-visible step and screenshots the result. On failure the
   * error names the step and the screenshot taken at that moment.
   */
  step<T>(name: string, action: () => Promise<T>): Promise<T>;
}

export interface ServerOptions {
  /** Replies to hold, by operation name, in ms. */
  replyDelays?: Record<string, number>;
  faults?: EmulatorFaults;
}

let shared: Promise<E2eFixture> | undefined;
let counter = 0;
/** The emulator a test started in place of the harness's (stopped with the fixture). */
let restarted: RunningEmulator | undefined;

/**
 * Call inside a top-level `describe`: starts the shared fixture before its
 * tests (the first time only) and returns a getter for it.
 */
export function useFixture(): () => E2eFixture {
  let fixture: E2eFixture | undefined;
  before(async function () {
    // The first start may provision code-server (minutes, once per machine).
    this.timeout(20 * 60_000);
    fixture = await startFixture();
  });
  afterEach(async function () {
    if (fixture && this.currentTest?.state === 'failed') {
      const file = await fixture.screenshot(`${this.currentTest.fullTitle()} FAILED`).catch(() => undefined);
      if (file) console.log(`      screenshot at failure: ${path.relative(process.cwd(), file)}`);
    }
  });
  return () => {
    if (!fixture) throw new Error('the e2e fixture is not started: call useFixture() inside describe() and use it from tests or hooks');
    return fixture;
  };
}

export function startFixture(): Promise<E2eFixture> {
  shared ??= create();
  return shared;
}

/** Stops the shared fixture if it was started (the e2e runner calls this after the suite). */
export async function stopFixture(): Promise<void> {
  if (!shared) return;
  const started = shared;
  shared = undefined;
  const fixture = await started.catch(() => undefined);
  await restarted?.stop();
  restarted = undefined;
  await fixture?.harness.stop();
}

async function create(): Promise<E2eFixture> {
  const harness = await startHarness({ kind: 'e2e', browser: true, log: (line) => console.log(`      ${line}`) });
  const page = harness.page;
  if (!page) throw new Error('the harness started without a browser page');
  const screenshot = async (name: string): Promise<string> => {
    counter += 1;
    fs.mkdirSync(screenshotsDir, { recursive: true });
    const file = path.join(screenshotsDir, `${String(counter).padStart(2, '0')}-${slug(name)}.png`);
    await page.screenshot({ path: file });
    return file;
  };
  const server = (): RunningEmulator => restarted ?? harness.emulator;
  const stopServer = (): Promise<void> => server().stop();
  const startServer = async (options: ServerOptions = {}): Promise<RunningEmulator> => {
    const { port, stateFile } = harness.emulator;
    restarted = await startEmulator({ stateFile, port, verbose: true, ...options });
    return restarted;
  };
  return {
    page,
    workbench: new Workbench(page),
    emulatorUrl: harness.emulator.restUrl,
    serverUrl: harness.emulator.serverUrl,
    harness,
    server,
    stopServer,
    startServer,
    async restartServer(options: ServerOptions = {}): Promise<RunningEmulator> {
      await stopServer();
      return startServer(options);
    },
    screenshot,
    async step<T>(name: string, action: () => Promise<T>): Promise<T> {
      let result: T;
      try {
        result = await action();
      } catch (err) {
        const file = await screenshot(`${name} FAILED`).catch(() => '(screenshot failed)');
        const message = err instanceof Error ? err.message : String(err);
        const failure = new Error(`step "${name}" failed: ${message}\n      screenshot: ${path.relative(process.cwd(), file)}`);
        if (err instanceof Error && err.stack) failure.stack = `${failure.message}\n${err.stack.split('\n').slice(1).join('\n')}`;
        throw failure;
      }
      await screenshot(name);
      return result;
    },
  };
}

/** The extension's log file in this run's user data (read only to know a settings change has taken effect). */
export function extensionLog(userDataDir: string): string {
  const logs = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logs)) return '';
  let text = '';
  for (const session of fs.readdirSync(logs)) {
    for (const host of fs.readdirSync(path.join(logs, session)).filter((d) => d.startsWith('exthost'))) {
      const file = path.join(logs, session, host, 'instamrkt.instamrkt-game-sources', 'Instamrkt.log');
      if (fs.existsSync(file)) text += fs.readFileSync(file, 'utf8');
    }
  }
  return text;
}

function slug(text: string): string {
  return text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 80);
}

/** Waits until the server's --verbose log (see startServer) has a line matching `pattern`. */
export function waitForServerLog(server: RunningEmulator, what: string, pattern: RegExp, timeoutMs = 20_000): Promise<void> {
  return waitUntil(
    what,
    timeoutMs,
    async () => server.child.tail(200).split('\n').some((line) => pattern.test(line)),
    async () => `the server's last lines:\n${server.child.tail(10)}`,
  );
}
