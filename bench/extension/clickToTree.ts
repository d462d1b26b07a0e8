// Click → tree (issue 9) and activation, in the real workbench: one harness
// per tree (emulator, code-server with that tree's VSIX, Chromium), signed in
// once through the welcome view as a person does. Each reading shows the
// Explorer, reloads the window with Developer: Reload Window (a new extension
// host, so the extension is not active), waits until the workbench has settled, then clicks the Instamrkt
// activity-bar entry. The page itself timestamps the click (a capture-phase
// pointerdown listener) and the first tree row naming the demo source (a
// MutationObserver), on one clock, and when the status bar first says
// connected (a row before that came from the cached list); the extension's
// log gives activation.
import type { Page } from 'playwright-core';
import { Workbench } from '../../test/e2e/workbench';
import { startHarness, type Harness } from '../../test/support/harness';
import { pollUntil } from '../../test/support/processes';
import { activationLines, extensionHostLogs, newReadyHost, parseActivationLine, type ActivationFigures } from './activation';
import { waitUntilSettled, type Settled } from './settle';

const ENTRY = '.activitybar .action-item a[aria-label^="Instamrkt"]';
const VIEW = 'Game Sources';
/** The demo seed's one source. */
export const DEMO_SOURCE = 'demo.instamrkt.local';
const HOST_DEADLINE_MS = 120_000;
const ROW_DEADLINE_MS = 60_000;

export interface ClickReading extends ActivationFigures {
  /** pointerdown → the first row naming the demo source is in the DOM. */
  readonly rowMs?: number;
  /** pointerdown → the animation frame after it (about when it is painted). */
  readonly frameMs?: number;
  /** pointerdown → the status bar says connected (the row came from the cache when it is earlier). */
  readonly connectedMs?: number;
  readonly settled?: Settled;
  /** Why a figure is missing, or what was odd (the reading is then left out of the medians). */
  readonly problem?: string;
}

/** What the page records; installed right before the click. */
interface PageMarks {
  click?: number;
  row?: number;
  frame?: number;
  /** The status bar first says connected: tells a row from the cached list (before) from one from the server (after). */
  connected?: number;
}

/** Runs in the page (no DOM types in this Node project: the few it needs are declared here). */
function installMarks(name: string): void {
  type El = { textContent: string | null; querySelector?(selector: string): unknown };
  type Observer = { observe(target: unknown, options: object): void; disconnect(): void };
  const page = globalThis as unknown as {
    document: { body: unknown; querySelectorAll(selector: string): ArrayLike<El>; querySelector(selector: string): unknown };
    MutationObserver: new (callback: () => void) => Observer;
    addEventListener(type: string, listener: () => void, options: object): void;
    requestAnimationFrame(callback: () => void): void;
    instamrktBenchMarks?: PageMarks;
  };
  const marks: PageMarks = {};
  page.instamrktBenchMarks = marks;
  page.addEventListener('pointerdown', () => (marks.click ??= performance.now()), { capture: true });
  const observer = new page.MutationObserver(() => {
    if (marks.click === undefined) return;
    if (marks.connected === undefined && page.document.querySelector('.part.statusbar [aria-label^="Instamrkt: connected"]')) marks.connected = performance.now();
    if (marks.row === undefined && Array.from(page.document.querySelectorAll('.part.sidebar .monaco-list-row')).some((row) => row.textContent?.includes(name))) {
      marks.row = performance.now();
      page.requestAnimationFrame(() => (marks.frame = performance.now()));
    }
    if (marks.row !== undefined && marks.connected !== undefined) observer.disconnect();
  });
  observer.observe(page.document.body, { childList: true, subtree: true, characterData: true });
}

export class ClickBench {
  readonly #harness: Harness;
  readonly #page: Page;
  readonly #wb: Workbench;

  private constructor(harness: Harness, page: Page) {
    this.#harness = harness;
    this.#page = page;
    this.#wb = new Workbench(page);
  }

  get vsix(): string {
    return this.#harness.vsix;
  }

  /** A harness for the tree at `extensionRoot` (default: the working tree), signed in as demo. */
  static async start(kind: string, extensionRoot: string | undefined, log: (line: string) => void): Promise<ClickBench> {
    const harness = await startHarness({ kind, extensionRoot, browser: true, log });
    try {
      if (!harness.page) throw new Error('the harness opened no browser page');
      const bench = new ClickBench(harness, harness.page);
      await bench.#signIn();
      return bench;
    } catch (err) {
      await harness.stop().catch(() => undefined);
      throw err;
    }
  }

  async #signIn(): Promise<void> {
    const wb = this.#wb;
    await wb.openViewContainer('Instamrkt');
    await wb.clickWelcomeButton(VIEW, 'Sign In');
    await wb.answerInput('demo', { prompt: /Username/ });
    await wb.answerInput('demo', { prompt: /Password/, password: true });
    await wb.treeRow(VIEW, DEMO_SOURCE, 60_000);
  }

  /** One reload and click; never throws (a failed reading says why). */
  async reading(): Promise<ClickReading> {
    const userData = this.#harness.userDataDir;
    try {
      // Leave another container showing, so the reloaded window does not open (and activate) ours by itself.
      await this.#wb.openViewContainer('Explorer');
      const hosts = new Set(extensionHostLogs(userData));
      const activationsBefore = activationLines(userData).length;
      // VS Code's own reload, not the browser's: it shuts the window down in order, saving which container was open.
      await this.#wb.runCommand('Developer: Reload Window');
      await pollUntil('a new extension host after the reload', HOST_DEADLINE_MS, () => newReadyHost(userData, hosts), 100);
      const entry = this.#page.locator(ENTRY).first();
      await entry.waitFor({ state: 'visible', timeout: 30_000 });
      const settled = await waitUntilSettled();
      const early = [
        activationLines(userData).length !== activationsBefore ? 'the extension was active before the click' : undefined,
        (await entry.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false)) ? 'the reloaded window had the Instamrkt container open already' : undefined,
      ].filter((p): p is string => p !== undefined);
      // A click now would close the container, or time an extension already running: no reading.
      if (early.length) return { settled, problem: early.join('; ') };
      const problems: string[] = [];
      await this.#page.evaluate(installMarks, DEMO_SOURCE);
      await entry.click();
      const marks = await pollUntil(
        `a row "${DEMO_SOURCE}" in the tree`,
        ROW_DEADLINE_MS,
        () => this.#page.evaluate(() => {
          const m = (globalThis as { instamrktBenchMarks?: PageMarks }).instamrktBenchMarks;
          return m?.frame !== undefined ? m : undefined;
        }),
        50,
      );
      const connected = await pollUntil(
        'the status bar to say connected',
        ROW_DEADLINE_MS,
        () => this.#page.evaluate(() => (globalThis as { instamrktBenchMarks?: PageMarks }).instamrktBenchMarks?.connected),
        50,
      ).catch(() => undefined);
      const line = await pollUntil('the "Activated:" line of the new host', 30_000, () => activationLines(userData)[activationsBefore], 50);
      const activation = parseActivationLine(line);
      if (!activation) problems.push(`unknown "Activated:" line: ${line}`);
      if (marks.click === undefined || marks.row === undefined) problems.push('the page recorded no click or no row');
      return {
        ...activation,
        rowMs: marks.row !== undefined && marks.click !== undefined ? marks.row - marks.click : undefined,
        frameMs: marks.frame !== undefined && marks.click !== undefined ? marks.frame - marks.click : undefined,
        connectedMs: connected !== undefined && marks.click !== undefined ? connected - marks.click : undefined,
        settled,
        problem: problems.length ? problems.join('; ') : undefined,
      };
    } catch (err) {
      return { problem: `${err instanceof Error ? err.message : String(err)}\n${this.#harness.extensionHostLogTail(15)}` };
    }
  }

  stop(): Promise<void> {
    return this.#harness.stop();
  }
}
