// Stop Local Emulator in the real extension host: stopping never depends on
// any other setting, and afterwards no emulator process of ours is left
// (issue 8, A2), whether the command or the instamrkt.startLocalEmulator
// setting started it, and even while it is still starting. The move back to
// a badly configured server is reported on its own, with Open Settings.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import type { Notice } from '../../src/host/notifier';
import { api, settings } from './extensionApi';
import { logLine, logMark } from './extensionLog';
import { isListening } from '../support/processes';
import { holds, until } from './until';

const INSECURE_SERVER_URL = 'ws://example.com:9999';

/** The keys of globalState that belong to one server (its cached source lists). */
function cachedFor(a: InstamrktApi, serverUrl: string): string[] {
  return Object.keys(a.globalState()).filter((k) => k.startsWith('instamrkt.sourcesCache:') && k.includes(`${serverUrl}|`));
}

/** The emulator this window now uses, once its list is cached: its URL and port (from the session) and its pid (from the extension's log line). */
async function runningEmulator(a: InstamrktApi): Promise<{ pid: number; port: number; serverUrl: string }> {
  await until('connected to the local emulator', () => a.session.snapshot.usingEmulator && a.session.snapshot.status.kind === 'connected', 30_000);
  const serverUrl = a.session.snapshot.serverUrl;
  await until('its source list to be cached', () => cachedFor(a, serverUrl).length > 0);
  const port = Number(new URL(serverUrl).port);
  const line = await logLine(`the log line of the emulator on port ${port}`, new RegExp(`Local emulator running at http://127\\.0\\.0\\.1:${port} \\(pid \\d+\\)`));
  const pid = Number(/\(pid (\d+)\)/.exec(line)?.[1]);
  assert.ok(isAlive(pid), `the emulator process ${pid} runs`);
  return { pid, port, serverUrl };
}

/** process.kill(pid, 0) sends nothing: it throws ESRCH once no such process exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (err) {
    if ((err as NodeJS.ErrnoException).code === 'ESRCH') return false;
    throw err;
  }
}

/**
 * Emulator processes this extension host started (the tests run in the same
 * process): its children running emulator.js, read from /proc. The run's own
 * emulator is the harness's child, not ours.
 */
function ourEmulators(): number[] {
  const found: number[] = [];
  for (const entry of fs.readdirSync('/proc').filter((name) => /^\d+$/.test(name))) {
    try {
      const status = fs.readFileSync(`/proc/${entry}/status`, 'utf8');
      const cmdline = fs.readFileSync(`/proc/${entry}/cmdline`, 'utf8');
      if (Number(/^PPid:\s*(\d+)/m.exec(status)?.[1]) === process.pid && cmdline.includes('emulator.js')) found.push(Number(entry));
    } catch {
      // The process ended while we looked.
    }
  }
  return found;
}

/** The Open Settings notice for instamrkt.serverUrl shown after `from`, if any. */
function serverUrlNotice(a: InstamrktApi, from: number): Notice | undefined {
  return a
    .notices()
    .slice(from)
    .find((n) => n.severity === 'error' && /instamrkt\.serverUrl.*Refusing unencrypted ws:\/\/ to example\.com/.test(n.message) && n.steps.some((s) => s.label === 'Open Settings' && s.command === 'workbench.action.openSettings' && s.args[0] === 'instamrkt.serverUrl'));
}

/** Leaves no emulator behind even when the test failed half-way: through the command first, then by force. */
async function cleanUp(pid: number | undefined): Promise<void> {
  await vscode.commands.executeCommand('instamrkt.stopEmulator');
  for (const left of [...(pid !== undefined && isAlive(pid) ? [pid] : []), ...ourEmulators()]) process.kill(left, 'SIGKILL');
}

describe('Stop Local Emulator', function () {
  this.timeout(90_000);
  let a: InstamrktApi;
  let originalServerUrl: string | undefined;

  before(async () => {
    a = await api();
    originalServerUrl = settings().inspect<string>('serverUrl')?.globalValue;
  });

  afterEach(async () => {
    await settings().update('serverUrl', originalServerUrl, vscode.ConfigurationTarget.Global);
    await settings().update('startLocalEmulator', undefined, vscode.ConfigurationTarget.Global);
  });

  it('stops the emulator the command started even when instamrkt.serverUrl is insecure: its process is gone and its port closed', async () => {
    let pid: number | undefined;
    try {
      await vscode.commands.executeCommand('instamrkt.startEmulator');
      const running = await runningEmulator(a);
      pid = running.pid;
      await settings().update('serverUrl', INSECURE_SERVER_URL, vscode.ConfigurationTarget.Global);
      const shown = a.notices().length;
      await vscode.commands.executeCommand('instamrkt.stopEmulator');
      await until(`the emulator process ${running.pid} to end`, () => !isAlive(running.pid), 10_000);
      assert.equal(await isListening(running.port), false, `nothing listens on port ${running.port} any more`);
      assert.deepEqual(ourEmulators(), [], 'no emulator process of ours is left');
      assert.equal(a.session.snapshot.usingEmulator, false, 'the window no longer uses the emulator');
      assert.deepEqual(cachedFor(a, running.serverUrl), [], 'the cached list of that emulator run is gone with it');
      assert.ok(serverUrlNotice(a, shown), `the move back reports instamrkt.serverUrl with Open Settings; shown: ${JSON.stringify(a.notices().slice(shown))}`);
      assert.match(a.session.snapshot.lastError ?? '', /Refusing unencrypted ws:\/\/ to example\.com/, 'the status carries the reason');
    } finally {
      await settings().update('serverUrl', originalServerUrl, vscode.ConfigurationTarget.Global);
      await cleanUp(pid);
    }
  });

  it('stops the emulator instamrkt.startLocalEmulator started when the setting is turned off, even with an insecure instamrkt.serverUrl', async () => {
    let pid: number | undefined;
    try {
      await settings().update('startLocalEmulator', true, vscode.ConfigurationTarget.Global);
      const running = await runningEmulator(a);
      pid = running.pid;
      await settings().update('serverUrl', INSECURE_SERVER_URL, vscode.ConfigurationTarget.Global);
      await settings().update('startLocalEmulator', undefined, vscode.ConfigurationTarget.Global);
      await until(`the emulator process ${running.pid} to end`, () => !isAlive(running.pid), 15_000);
      await until(`port ${running.port} to close`, async () => !(await isListening(running.port)), 5_000);
      assert.deepEqual(ourEmulators(), [], 'no emulator process of ours is left');
      assert.equal(a.session.snapshot.usingEmulator, false, 'the window no longer uses the emulator');
      await until('the cached list of that emulator run to be gone with it', () => cachedFor(a, running.serverUrl).length === 0);
    } finally {
      await settings().update('startLocalEmulator', undefined, vscode.ConfigurationTarget.Global);
      await settings().update('serverUrl', originalServerUrl, vscode.ConfigurationTarget.Global);
      await cleanUp(pid);
    }
  });

  it('when the emulator dies, says so once with Start Local Emulator, stops retrying its dead port, and the status names the reason', async () => {
    let pid: number | undefined;
    try {
      await vscode.commands.executeCommand('instamrkt.startEmulator');
      const running = await runningEmulator(a);
      pid = running.pid;
      const shown = a.notices().length;
      process.kill(running.pid, 'SIGKILL');
      const died = (n: Notice) => /local Instamrkt emulator stopped unexpectedly/.test(n.message);
      const notice = await until('the notice that the emulator stopped', () => a.notices().slice(shown).find(died), 15_000);
      assert.deepEqual(
        notice.steps.map((s) => s.command),
        ['instamrkt.startEmulator', 'instamrkt.showLog'],
        'its next steps are Start Local Emulator and Show Log',
      );
      await until('the status to settle on disconnected', () => a.session.snapshot.status.kind === 'disconnected');
      // Long enough for several backoff retries (the first comes within about a second).
      await holds(
        'disconnected, with no retry scheduled',
        () => a.session.snapshot.status.kind === 'disconnected' && a.session.snapshot.status.nextRetryAt === undefined,
        Date.now() + 5_000,
        () => JSON.stringify(a.session.snapshot.status),
      );
      assert.equal(a.notices().slice(shown).filter(died).length, 1, 'said once');
      assert.match(a.session.snapshot.lastError ?? '', /local emulator stopped unexpectedly/, 'the status (tooltip, the line above a last known list) names the reason');
    } finally {
      await cleanUp(pid);
    }
  });

  it('wins over a start still in flight: no process is left, the window is not pointed at the emulator, and no start failure is shown', async () => {
    const mark = await logMark();
    const shown = a.notices().length;
    try {
      const starting = vscode.commands.executeCommand('instamrkt.startEmulator');
      await until('the emulator process to be forked', () => ourEmulators().length > 0, 15_000);
      await vscode.commands.executeCommand('instamrkt.stopEmulator');
      await starting;
      assert.deepEqual(ourEmulators(), [], 'no emulator process of ours is left');
      assert.equal(a.session.snapshot.usingEmulator, false, 'the window is not pointed at a stopped emulator');
      assert.deepEqual(a.notices().slice(shown), [], 'nothing is reported: the user asked for the stop');
      await assert.rejects(logLine('a start failure in the log', /failed to start/, mark, 1_000), /Timed out/, 'no start failure is logged');
    } finally {
      await cleanUp(undefined);
    }
  });
});
