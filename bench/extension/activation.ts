// Activation time in the real extension host: a fresh harness (emulator,
// code-server with the VSIX, Chromium), a wait until the machine is quiet (the
// workbench has finished starting), a click on the Instamrkt activity-bar entry
// as a person would, then the extension's own "Activated:" log line.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHarness, type Harness } from '../../test/support/harness';
import { EXTENSION_ID } from '../../test/support/paths';
import { pollUntil } from '../../test/support/processes';

export interface ActivationReading {
  /** Evaluating dist/extension.js (banner to footer marks). */
  readonly moduleMs?: number;
  /** The activate() function itself. */
  readonly activateMs?: number;
  /** VS Code's work between the two (creating the context). */
  readonly gapMs?: number;
  /** The VSIX this start installed (the harness packages its own). */
  readonly vsixBytes?: number;
  readonly line?: string;
  /** Why there is no reading, or what was odd about it. */
  readonly problem?: string;
}

const ENTRY = '.activitybar .action-item a[aria-label^="Instamrkt"]';
/** The machine counts as quiet once this share of its CPU time is idle over one window. */
const QUIET_IDLE_SHARE = 0.85;
const QUIET_WINDOW_MS = 1000;
const QUIET_DEADLINE_MS = 30_000;

/** Total and idle CPU time of the whole machine so far (Linux /proc/stat, in clock ticks). */
function cpuTicks(): { total: number; idle: number } | undefined {
  try {
    const line = fs.readFileSync('/proc/stat', 'utf8').split('\n')[0];
    const fields = line.trim().split(/\s+/).slice(1).map(Number);
    // user nice system idle iowait irq softirq steal ...: idle + iowait is time nobody wanted the CPU.
    return { total: fields.reduce((a, b) => a + b, 0), idle: fields[3] + (fields[4] ?? 0) };
  } catch {
    return undefined;
  }
}

/**
 * Waits until the machine is quiet: the workbench has finished starting (its
 * renderer, the server and the built-in extensions), so the click measures this
 * extension rather than a 2-core machine still busy loading VS Code. Returns
 * the idle share of the last window, or undefined where /proc/stat is missing.
 */
async function waitForQuietMachine(): Promise<{ idleShare: number; waitedMs: number } | undefined> {
  const started = Date.now();
  let idleShare = 0;
  for (;;) {
    const before = cpuTicks();
    if (!before) return undefined;
    await new Promise((resolve) => setTimeout(resolve, QUIET_WINDOW_MS));
    const after = cpuTicks();
    if (!after) return undefined;
    idleShare = after.total > before.total ? (after.idle - before.idle) / (after.total - before.total) : 0;
    if (idleShare >= QUIET_IDLE_SHARE || Date.now() - started >= QUIET_DEADLINE_MS) return { idleShare, waitedMs: Date.now() - started };
  }
}
const LOG_DEADLINE_MS = 30_000;

/** The extension's log file(s) of a user-data folder: logs/<time>/exthost*\/<id>/Instamrkt.log */
function extensionLogs(userDataDir: string): string[] {
  const logsDir = path.join(userDataDir, 'logs');
  if (!fs.existsSync(logsDir)) return [];
  const found: string[] = [];
  for (const session of fs.readdirSync(logsDir)) {
    const sessionDir = path.join(logsDir, session);
    if (!fs.statSync(sessionDir).isDirectory()) continue;
    for (const host of fs.readdirSync(sessionDir).filter((name) => name.startsWith('exthost'))) {
      const file = path.join(sessionDir, host, EXTENSION_ID, 'Instamrkt.log');
      if (fs.existsSync(file)) found.push(file);
    }
  }
  return found;
}

function activationLine(userDataDir: string): string | undefined {
  for (const file of extensionLogs(userDataDir)) {
    const line = fs
      .readFileSync(file, 'utf8')
      .split('\n')
      .find((l) => l.includes('Activated:'));
    if (line) return line.trim();
  }
  return undefined;
}

const number = (text: string | undefined): number | undefined => (text === undefined || text === '?' ? undefined : Number(text));

export function parseActivationLine(line: string): Pick<ActivationReading, 'moduleMs' | 'activateMs' | 'gapMs'> | undefined {
  const m = /Activated: module evaluation ([\d.]+|\?) ms, activate\(\) ([\d.]+|\?) ms; VS Code between them ([\d.]+|\?) ms/.exec(line);
  return m ? { moduleMs: number(m[1]), activateMs: number(m[2]), gapMs: number(m[3]) } : undefined;
}

/** One fresh start; never throws (a failed start is a reading with a problem). */
export async function measureActivation(log: (line: string) => void): Promise<ActivationReading> {
  let harness: Harness;
  try {
    harness = await startHarness({ kind: 'bench-activation', browser: true, seed: 'demo', log });
  } catch (err) {
    return { problem: `the harness did not start: ${err instanceof Error ? err.message : String(err)}` };
  }
  const vsixBytes = fs.statSync(harness.vsix).size;
  try {
    const page = harness.page;
    if (!page) return { vsixBytes, problem: 'the harness opened no browser page' };
    // Views and commands are the only activation events: before the click, nothing may have run.
    const early = activationLine(harness.userDataDir);
    const entry = page.locator(ENTRY).first();
    await entry.waitFor({ state: 'visible', timeout: 30_000 });
    const open = await entry.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false);
    const quiet = await waitForQuietMachine();
    if (!open) await entry.click();
    const line = await pollUntil('the "Activated:" line in the extension\'s log', LOG_DEADLINE_MS, () => activationLine(harness.userDataDir), 50);
    const parsed = parseActivationLine(line);
    if (!parsed) return { vsixBytes, line, problem: 'the "Activated:" line has an unknown format' };
    const problems = [
      early ? 'the extension was active before the click' : undefined,
      open ? 'the Instamrkt container was already open' : undefined,
      parsed.moduleMs === undefined ? 'no module evaluation time in the line' : undefined,
      parsed.activateMs === undefined ? 'no activate() time in the line' : undefined,
      quiet && quiet.idleShare < QUIET_IDLE_SHARE ? `the machine never became quiet before the click (${Math.round(quiet.idleShare * 100)}% idle)` : undefined,
    ].filter((p): p is string => p !== undefined);
    return { ...parsed, vsixBytes, line, problem: problems.length ? problems.join('; ') : undefined };
  } catch (err) {
    return { vsixBytes, problem: `${err instanceof Error ? err.message : String(err)}\n${harness.extensionHostLogTail(20)}` };
  } finally {
    await harness.stop().catch((err: unknown) => log(`teardown: ${String(err)}`));
  }
}
