// What a reload shows before the truth is known (issue 8, A4), recorded from
// the first byte of the page: nothing that claims "signed out", the sign-in
// welcome or "no open game sources" while the extension is still finding out,
// with the local emulator starting, with a configured server slow to list,
// and when the local emulator cannot start (then the status goes on with the
// configured server, and the error offers Start Local Emulator).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HostingClient } from '../fixtures/hostingClient';
import { RestClient } from '../../src/protocol/rest';
import { EXTENSION_ID } from '../support/paths';
import { isSignedIn, putSignInBack, signInAsDemo, signOut } from './account';
import { extensionLog, useFixture, type E2eFixture } from './fixture';
import { CLAIMS, recordShownTexts, shownTexts } from './shownTexts';
import { waitUntil } from './workbench';

const VIEW = 'Game Sources';
const SETTING = 'instamrkt.startLocalEmulator';
/** A source of the test's own on the run's server: the true list is never empty. */
const SOURCE = 'startup.example';
/** How long the server holds the list: time to reload before it comes, and below the reply timeout (requestTimeoutSeconds, 10 s). */
const SLOW_LIST_MS = 8_000;

function logCount(f: E2eFixture, pattern: RegExp): number {
  return extensionLog(f.harness.userDataDir).match(new RegExp(pattern.source, 'g'))?.length ?? 0;
}

/** process.kill(pid, 0) sends nothing: it throws once no such process exists. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch {
    return false;
  }
}

/**
 * Sets instamrkt.startLocalEmulator in the folder's settings (VS Code watches
 * them; undefined removes the file) and waits until the extension has seen it.
 * Turned off, it also waits until the local emulator's process has ended: the
 * session's move back to the configured server began before that ("starting"
 * is shown), so the status bar shows the configured server's state from then on.
 */
async function setStartLocalEmulator(f: E2eFixture, value: boolean | undefined): Promise<void> {
  const file = path.join(f.harness.workspaceDir, '.vscode', 'settings.json');
  const seen = new RegExp(`${SETTING.replace(/\./g, '\\.')} is now ${value === true}`);
  const before = logCount(f, seen);
  if (value === undefined) {
    if (!fs.existsSync(file)) return;
    fs.rmSync(file);
  } else {
    fs.mkdirSync(path.dirname(file), { recursive: true });
    fs.writeFileSync(file, JSON.stringify({ [SETTING]: value }, null, 2));
  }
  await waitUntil(`the extension to see ${SETTING} = ${value === true}`, 30_000, async () => logCount(f, seen) > before);
  const pids = [...extensionLog(f.harness.userDataDir).matchAll(/Local emulator running at \S+ \(pid (\d+)\)/g)].map((m) => Number(m[1]));
  if (value !== true) await waitUntil('the local emulator to end', 30_000, async () => !pids.some(isAlive));
}

/** Where the extension keeps its local emulator's state (its global storage). */
function localEmulatorStateFile(f: E2eFixture): string {
  return path.join(f.harness.userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'emulator-state.json');
}

/** Texts the page showed since it loaded that claim a state (of those, the ones matching `what`). */
async function claimsShown(f: E2eFixture, what = /./): Promise<string[]> {
  return (await shownTexts(f.page)).filter((text) => CLAIMS.test(text) && what.test(text));
}

/** A separate connection of the demo user to the run's server (the server's own view). */
async function serverClient(f: E2eFixture): Promise<HostingClient> {
  const login = await new RestClient(f.emulatorUrl).login('demo', 'demo');
  const client = new HostingClient({ serverUrl: f.serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: false });
  await client.connect();
  return client;
}

describe('what a reload shows before the truth is known (in the browser)', function () {
  this.timeout(240_000);
  const fixture = useFixture();
  let wasSignedIn = false;

  beforeEach(async () => {
    const f = fixture();
    await f.step('open the Instamrkt view', () => f.workbench.openViewContainer('Instamrkt'));
    wasSignedIn = await isSignedIn(f.workbench);
    await recordShownTexts(f.page);
  });

  afterEach(async () => {
    const f = fixture();
    await setStartLocalEmulator(f, undefined);
    await putSignInBack(f.workbench, wasSignedIn);
  });

  it('with instamrkt.startLocalEmulator on: never "signed out", the sign-in welcome or "no open game sources" before the emulator\'s source shows', async () => {
    const f = fixture();
    const { workbench: wb, step, page } = f;
    const started = /Local emulator running at/;
    const before = logCount(f, started);
    await setStartLocalEmulator(f, true);
    await step('the local emulator in use', () => waitUntil('the local emulator to run', 60_000, async () => logCount(f, started) > before));
    await wb.waitForStatusBar(/Instamrkt: connected/, 60_000);
    const runs = logCount(f, started);
    await step('reload the window', () => page.reload());
    await step('the local emulator starts again', () => waitUntil('the local emulator to run again', 60_000, async () => logCount(f, started) > runs));
    await step('connected', () => wb.waitForStatusBar(/Instamrkt: connected/, 60_000));
    await step('its demo source in the tree', () => wb.treeRow(VIEW, 'demo.instamrkt.local', 30_000));
    assert.deepEqual(await claimsShown(f), [], 'nothing claimed a state before the emulator\'s was known');
  });

  it('signed in on a server slow to list: never "no open game sources" until the list comes ("Reading…", then the last known list, instead)', async () => {
    const f = fixture();
    const { workbench: wb, step, page } = f;
    const client = await serverClient(f);
    const id = await client.openGameSource(SOURCE).finally(() => client.dispose());
    /** The list the server sent is shown: the source's row, and no "last known" message (a stale list) above it. */
    const listShown = async (): Promise<boolean> => (await wb.treeLabels(VIEW)).includes(SOURCE) && !(await wb.view(VIEW).innerText()).includes('last known');
    /** Reloads, waits for the list the server sends, and returns what was shown on the way. */
    const reloadUntilListed = async (): Promise<string[]> => {
      const reloadedAt = Date.now();
      await step('reload the window', () => page.reload());
      await step('connected', () => wb.waitForStatusBar(/Instamrkt: connected/, 60_000));
      await waitUntil('the server to be asked for the list', 30_000, async () =>
        f
          .server()
          .child.tail(100)
          .split('\n')
          .some((line) => Date.parse(line.slice(0, 24)) >= reloadedAt && / user 1001: list_game_sources_i_am_admin_of$/.test(line)),
      );
      await step('the list comes', () => waitUntil('the list to be shown', SLOW_LIST_MS + 30_000, listShown));
      return shownTexts(page);
    };
    try {
      // Signing out forgets the last known list: the first reload has none to show.
      if (wasSignedIn) await signOut(wb);
      await step('the server comes back slow to list', () => f.restartServer({ faults: { replyDelays: { list_game_sources_i_am_admin_of: SLOW_LIST_MS } } }));
      await step('sign in', () => signInAsDemo(wb));
      await step('the list is being read', () => waitUntil('"Reading your game sources…"', 15_000, async () => /Reading your game sources/.test(await wb.viewWelcome(VIEW))));
      const first = await reloadUntilListed();
      assert.deepEqual(await claimsShown(f), [], `with no last known list, nothing claimed a state while the list was read (shown: ${first.join(' | ')})`);
      assert.ok(first.some((text) => /Reading your game sources/.test(text)), `"Reading…" was shown meanwhile: ${first.join(' | ')}`);
      const second = await reloadUntilListed();
      assert.deepEqual(await claimsShown(f), [], `with the last known list, nothing claimed a state while the list was read (shown: ${second.join(' | ')})`);
      assert.ok(second.some((text) => /showing the list as last known at/.test(text)), `the last known list, marked stale, was shown meanwhile: ${second.join(' | ')}`);
      // Connected and reading is not offline: once connected, the message says the list is being read.
      assert.ok(
        second.some((text) => /Reading the list from the server — showing the list as last known at/.test(text)),
        `while connected and reading, the message says so (not "offline"): ${second.join(' | ')}`,
      );
    } finally {
      await f.restartServer();
      const cleanup = await serverClient(f);
      await cleanup.closeGameSource(id).finally(() => cleanup.dispose());
    }
  });

  it('a local emulator that cannot start at activation: the status goes on with the configured server, and the error offers Start Local Emulator', async () => {
    const f = fixture();
    const { workbench: wb, step, page } = f;
    if (!wasSignedIn) await step('sign in', () => signInAsDemo(wb));
    // A damaged state file: the emulator refuses to start, naming it (a real failure, nothing stubbed).
    const stateFile = localEmulatorStateFile(f);
    const kept = fs.existsSync(stateFile) ? fs.readFileSync(stateFile) : undefined;
    fs.mkdirSync(path.dirname(stateFile), { recursive: true });
    fs.writeFileSync(stateFile, '{"version": 1, "users": [');
    const failed = /local emulator failed to start/;
    try {
      await setStartLocalEmulator(f, true);
      await step('the start fails, and says so', () => wb.waitForNotification(failed, 30_000));
      await wb.runCommand('Notifications: Clear All Notifications');
      await step('reload the window', () => page.reload());
      await step('the failure is reported at start', () => wb.waitForNotification(failed, 60_000));
      await step('connected to the configured server', () => wb.waitForStatusBar(/Instamrkt: connected/, 60_000));
      assert.deepEqual(await claimsShown(f, /signed out|Sign in to Instamrkt/), [], 'never "signed out": the stored sign-in of the configured server holds');
      const toast = page.locator('.notification-toast', { hasText: failed }).first();
      const buttons = await toast.locator('.monaco-button').allInnerTexts();
      assert.ok(buttons.includes('Start Local Emulator'), `the error offers Start Local Emulator: ${buttons.join(', ')}`);
    } finally {
      if (kept) fs.writeFileSync(stateFile, kept);
      else fs.rmSync(stateFile, { force: true });
      await wb.runCommand('Notifications: Clear All Notifications');
    }
  });
});
