// A game provider's path through the extension, in the browser, as a person
// clicks it: sign in, open a source from the palette, see it in the tree,
// right-click close, read the modal, Cancel (nothing closes on the server),
// close for real (the server closed the source and its games), and watch the
// status bar while the server goes away and comes back; an open and a close
// whose connection drops before the reply (the emulator holds it, then stops).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { HostingClient } from '../fixtures/hostingClient';
import { RestClient } from '../../src/protocol/rest';
import { repoRoot } from '../support/paths';
import { cropPng, type Region } from './pngCrop';
import type { RunningEmulator } from '../support/emulator';
import { extensionLog, useFixture, type ServerOptions } from './fixture';
import { recordShownTexts, shownTexts } from './shownTexts';
import { waitUntil } from './workbench';

const VIEW = 'Game Sources';
const SOURCE = 'e2e.example.com';
/** Opened and closed while the connection drops. */
const DROPPED = 'dropped.example';

/**
 * What each README screenshot shows of the 1440×900 workbench: only the part
 * that tells its story, because the images ship in the VSIX (whose size has a budget).
 */
const README_REGIONS: Record<string, Region> = {
  'screenshot-tree.png': { x: 0, y: 56, width: 350, height: 150 },
  'screenshot-close-modal.png': { x: 470, y: 310, width: 500, height: 290 },
  'screenshot-status.png': { x: 0, y: 56, width: 450, height: 844 },
  'screenshot-status-retrying.png': { x: 0, y: 56, width: 450, height: 844 },
};

/** Screenshots for README: cropped into media/ when INSTAMRKT_UPDATE_SCREENSHOTS=1, else only under test-results/. */
function keepForReadme(file: string, name: string): void {
  if (process.env.INSTAMRKT_UPDATE_SCREENSHOTS === '1') cropPng(file, path.join(repoRoot, 'media', name), README_REGIONS[name]);
}

describe('Game sources in the browser', function () {
  this.timeout(120_000);
  const fixture = useFixture();
  let server: HostingClient | undefined;

  /** The emulator's own view, through a separate signed-in connection. */
  async function serverView(): Promise<HostingClient> {
    if (!server) {
      const f = fixture();
      const login = await new RestClient(f.emulatorUrl).login('demo', 'demo');
      server = new HostingClient({ serverUrl: f.serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
    }
    await server.connect();
    return server;
  }

  after(() => server?.dispose());

  const stopServer = (): Promise<void> => fixture().stopServer();
  const startServer = (options?: ServerOptions): Promise<RunningEmulator> => fixture().startServer(options);
  const restartServer = (options?: ServerOptions): Promise<RunningEmulator> => fixture().restartServer(options);

  /** How many times the running emulator received an operation from the demo user (its --verbose log, once restarted). */
  function received(op: string): number {
    const log = fixture().server().child.tail(200);
    return log.split('\n').filter((line) => line.endsWith(`user 1001: ${op}`)).length;
  }

  it('shows the signed-out welcome and status, then signs in from the welcome button', async () => {
    const { workbench: wb, step } = fixture();
    await step('open the Instamrkt view', () => wb.openViewContainer('Instamrkt'));
    const welcome = await wb.viewWelcome(VIEW);
    assert.match(welcome, /Sign in to Instamrkt/);
    await wb.waitForStatusBar(/Instamrkt: signed out/);
    await step('click Sign In', () => wb.clickWelcomeButton(VIEW, 'Sign In'));
    await step('type the user name', () => wb.answerInput('demo', { prompt: /Username/ }));
    await step('type the password (masked)', () => wb.answerInput('demo', { prompt: /Password/, password: true }));
    await step('connected in the status bar', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/));
    await step('the demo source in the tree', () => wb.treeRow(VIEW, 'demo.instamrkt.local'));
  });

  it('after a reload, a signed-in user never sees "signed out" or the sign-in welcome, not even for a frame', async () => {
    const { workbench: wb, step } = fixture();
    await recordShownTexts(wb.page);
    await step('reload the window', () => wb.page.reload());
    await step('connected in the status bar', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 60_000));
    await step('the demo source in the tree', () => wb.treeRow(VIEW, 'demo.instamrkt.local'));
    const seen = (await shownTexts(wb.page)).filter((text) => /Sign in to Instamrkt|Instamrkt: signed out/.test(text));
    assert.deepEqual(seen, [], 'nothing said "signed out" while the stored sign-in was read');
  });

  it('opens a source from the command palette, with live validation of the description', async () => {
    const { workbench: wb, step } = fixture();
    await step('run Open Game Source', () => wb.runCommand('Instamrkt: Open Game Source'));
    await step('name it', () => wb.answerInput(SOURCE, { prompt: /Name of the new game source/ }));
    await step('a description one character too long', () => wb.typeInInput('d'.repeat(513), { prompt: /Description/ }));
    await waitUntil('the over-long count', 10_000, async () => /513\/512 characters — 1 too many/.test(await wb.quickInputMessage()));
    // While a validation message shows it replaces the prompt, so wait on the step's title.
    await step('a description that fits', () => wb.answerInput('Opened from the browser', { prompt: /Open Game Source \(2\/2\)/ }));
    const opened = new RegExp(`Opened game source "${SOURCE.replace(/\./g, '\\.')}"`);
    await step('the status bar says it opened', () => wb.waitForStatusBar(opened));
    await step('the new source in the tree', () => wb.treeRow(VIEW, SOURCE));
    // Success needs no action: no toast (a Copy ID button there would outlive the source; the row has Copy Source ID).
    assert.equal(await wb.page.locator('.notification-toast', { hasText: opened }).count(), 0, 'no toast for the open');
    const onServer = await (await serverView()).listGameSources();
    const created = onServer.find((s) => s.name === SOURCE);
    assert.ok(created, 'the emulator has the new source');
    assert.equal(created.description, 'Opened from the browser');
  });

  it('right-click close: the modal names the source and its games; Cancel closes nothing', async () => {
    const { workbench: wb, step, screenshot } = fixture();
    const api = await serverView();
    const source = (await api.listGameSources()).find((s) => s.name === SOURCE);
    assert.ok(source);
    await api.createAndOpenGame({ source_id: source.id, game_name: 'E2E Final', type: 'football', actions: ['goal'], targets: ['Home', 'Away'] });
    await api.createAndOpenGame({ source_id: source.id, game_name: 'E2E Semi', type: 'football', actions: ['goal'], targets: ['Home', 'Away'] });
    await step('refresh the view', () => wb.clickViewAction(VIEW, 'Refresh'));
    keepForReadme(await screenshot('tree'), 'screenshot-tree.png');
    const row = await wb.treeRow(VIEW, SOURCE);
    const items = await wb.contextMenuItems(row);
    assert.ok(items.includes('Close Game Source') && items.includes('Copy Source ID'), `menu: ${items.join(', ')}`);
    assert.equal(items[items.length - 1], 'Close Game Source', 'Close is the last item, in its own group');
    await step('right-click → Close Game Source', () => wb.contextMenu(row, 'Close Game Source'));
    const dialog = await wb.waitForDialog();
    keepForReadme(await screenshot('close modal'), 'screenshot-close-modal.png');
    assert.match(dialog.text, new RegExp(`Close game source "${SOURCE.replace(/\./g, '\\.')}"\\?`));
    assert.match(dialog.text, /This closes 2 active games and resolves all their betting pools/);
    assert.match(dialog.text, /E2E Final/);
    assert.match(dialog.text, /E2E Semi/);
    assert.match(dialog.text, /cannot be undone/);
    assert.ok(dialog.buttons.includes('Close Source') && dialog.buttons.includes('Cancel'), `buttons: ${dialog.buttons.join(', ')}`);
    await step('press Cancel', () => wb.clickDialogButton('Cancel'));
    await wb.treeRow(VIEW, SOURCE);
    assert.ok((await api.listGameSources()).some((s) => s.id === source.id), 'the source is still open on the server');
    assert.equal((await api.listGamesForSource(source.id)).length, 2, 'its games are still active on the server');
  });

  it('right-click close and confirm (and, by default, type its name): the server closed the source and all its games', async () => {
    const { workbench: wb, step } = fixture();
    const api = await serverView();
    const source = (await api.listGameSources()).find((s) => s.name === SOURCE);
    assert.ok(source);
    const row = await wb.treeRow(VIEW, SOURCE);
    await step('right-click → Close Game Source', () => wb.contextMenu(row, 'Close Game Source'));
    await wb.waitForDialog();
    await step('press Close Source', () => wb.clickDialogButton('Close Source'));
    // closeConfirmation defaults to auto: a source that hosts games is also typed by name.
    await step('type its name', () => wb.answerInput(SOURCE, { prompt: /Type the source name/ }));
    await step('the status bar says it closed', () => wb.waitForStatusBar(new RegExp(`Closed "${SOURCE.replace(/\./g, '\\.')}"`)));
    await waitUntil('the row to leave the tree', 10_000, async () => !(await wb.treeLabels(VIEW)).includes(SOURCE));
    assert.ok(!(await api.listGameSources()).some((s) => s.id === source.id), 'the source is closed on the server');
    assert.deepEqual(await api.listGamesForSource(source.id), [], 'no active game remains under it');
  });

  it('status bar: connected, retrying while the server is down, connected again with the tree intact', async () => {
    const f = fixture();
    const { workbench: wb, step, screenshot } = f;
    const connected = await wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/);
    assert.match(connected, /\d+ ms/);
    keepForReadme(await screenshot('status connected'), 'screenshot-status.png');
    const before = await wb.treeLabels(VIEW);
    await step('the server stops', () => stopServer());
    await step('status shows retrying', () => wb.waitForStatusBar(/Instamrkt: (retrying at|connecting)/));
    await wb.waitForStatusBar(/Instamrkt: retrying at \d/);
    keepForReadme(await screenshot('status retrying'), 'screenshot-status-retrying.png');
    assert.deepEqual(await wb.treeLabels(VIEW), before, 'the last known list stays while offline');
    await step('the server comes back on the same port', () => startServer());
    await step('connected again', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 60_000));
    await waitUntil('the tree to be live again', 15_000, async () => JSON.stringify(await wb.treeLabels(VIEW)) === JSON.stringify(before));
  });
  it('an open whose connection drops says the outcome is unknown, re-reads the list after reconnecting, and is not re-sent', async () => {
    const { workbench: wb, step } = fixture();
    await step('the server comes back slow to answer opens', () => restartServer({ replyDelays: { open_game_source: 120_000 } }));
    await step('connected', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 60_000));
    await step('run Open Game Source', () => wb.runCommand('Instamrkt: Open Game Source'));
    await step('name it', () => wb.answerInput(DROPPED, { prompt: /Name of the new game source/ }));
    await step('no description', () => wb.answerInput('', { prompt: /Description/ }));
    await step('progress while waiting', () => wb.waitForNotification(/Opening game source "dropped\.example"/));
    const api = await serverView();
    await waitUntil('the server to have opened it', 15_000, async () => (await api.listGameSources()).some((x) => x.name === DROPPED));
    await step('the connection drops before the reply', () => stopServer());
    const message = await step('the outcome is unknown', () => wb.waitForNotification(/may or may not have happened/));
    assert.match(message, /^Opening "dropped\.example" may or may not have happened: Connection lost — outcome unknown.*The list will be re-read from the server\.$/);
    await step('the server comes back', () => startServer());
    await step('connected again', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 60_000));
    await step('the re-read list shows the source', () => wb.treeRow(VIEW, DROPPED));
    assert.equal(received('open_game_source'), 0, 'nothing re-sent after reconnecting');
    // The checking connection went down with the server too: serverView() waits until it is back.
    const named = (await (await serverView()).listGameSources()).filter((x) => x.name === DROPPED);
    assert.equal(named.length, 1, 'opened exactly once on the server');
  });

  it('a close whose connection drops says the outcome is unknown; the source stays listed until the re-read settles it, and is not re-sent', async () => {
    const { workbench: wb, step } = fixture();
    await step('the server comes back slow to answer closes', () => restartServer({ replyDelays: { close_game_source: 120_000 } }));
    await step('connected', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 60_000));
    const row = await wb.treeRow(VIEW, DROPPED);
    await step('right-click → Close Game Source', () => wb.contextMenu(row, 'Close Game Source'));
    await wb.waitForDialog();
    await step('press Close Source', () => wb.clickDialogButton('Close Source'));
    await step('progress while waiting', () => wb.waitForNotification(/Closing "dropped\.example"/));
    const api = await serverView();
    await waitUntil('the server to have closed it', 15_000, async () => !(await api.listGameSources()).some((x) => x.name === DROPPED));
    assert.equal(received('close_game_source'), 1, 'one close sent');
    await step('the connection drops before the reply', () => stopServer());
    const message = await step('the outcome is unknown', () => wb.waitForNotification(/Could not close "dropped\.example"/));
    assert.match(message, /^Could not close "dropped\.example": Connection lost — outcome unknown.*The list will be re-read from the server\.$/);
    assert.ok((await wb.treeLabels(VIEW)).includes(DROPPED), 'still listed while the outcome is unknown');
    await step('the server comes back', () => startServer());
    await step('connected again', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 60_000));
    await waitUntil('the re-read list to drop the source', 15_000, async () => !(await wb.treeLabels(VIEW)).includes(DROPPED));
    assert.equal(received('close_game_source'), 0, 'nothing re-sent after reconnecting');
  });

  it('closes from the command palette: a quick pick of the sources, then the same modal (Cancel sends nothing)', async () => {
    const { workbench: wb, step } = fixture();
    const api = await serverView();
    const a = await api.openGameSource('multi-a.example');
    const b = await api.openGameSource('multi-b.example');
    await step('refresh the view', () => wb.clickViewAction(VIEW, 'Refresh'));
    await wb.treeRow(VIEW, 'multi-b.example');
    await step('run Close Game Source from the palette', () => wb.runCommand('Instamrkt: Close Game Source'));
    const items = await wb.quickItems();
    for (const name of ['demo.instamrkt.local', 'multi-a.example', 'multi-b.example']) assert.ok(items.includes(name), `quick pick offers ${name}: ${items.join(', ')}`);
    await step('tick multi-a.example', () => wb.pickQuickItem('multi-a.example'));
    await step('accept the pick', () => wb.page.keyboard.press('Enter'));
    const dialog = await wb.waitForDialog();
    assert.match(dialog.text, /Close game source "multi-a\.example"\?/);
    assert.match(dialog.text, /It hosts no active or upcoming games\./);
    await step('press Cancel', () => wb.clickDialogButton('Cancel'));
    const open = (await api.listGameSources()).map((x) => x.id);
    assert.ok(open.includes(a) && open.includes(b), 'nothing was closed on the server');
  });

  it('closes a multi-selection from the tree with one modal naming every source', async () => {
    const { workbench: wb, step } = fixture();
    const api = await serverView();
    const rowA = await wb.treeRow(VIEW, 'multi-a.example');
    const rowB = await wb.treeRow(VIEW, 'multi-b.example');
    await step('select multi-a.example', () => rowA.click());
    await step('ctrl+click multi-b.example', () => rowB.click({ modifiers: ['Control'] }));
    await step('right-click → Close Game Source', () => wb.contextMenu(rowB, 'Close Game Source'));
    const dialog = await wb.waitForDialog();
    assert.match(dialog.text, /Close 2 game sources\?/);
    assert.match(dialog.text, /• multi-a\.example/);
    assert.match(dialog.text, /• multi-b\.example/);
    assert.ok(dialog.buttons.includes('Close 2 Sources'), `buttons: ${dialog.buttons.join(', ')}`);
    await step('press Close 2 Sources', () => wb.clickDialogButton('Close 2 Sources'));
    await waitUntil('both rows to leave the tree', 10_000, async () => {
      const labels = await wb.treeLabels(VIEW);
      return !labels.includes('multi-a.example') && !labels.includes('multi-b.example');
    });
    const names = (await api.listGameSources()).map((x) => x.name);
    assert.ok(!names.includes('multi-a.example') && !names.includes('multi-b.example'), `closed on the server: ${names.join(', ')}`);
    assert.ok(names.includes('demo.instamrkt.local'), 'an unselected source stays open');
  });

  it('with closeConfirmation = typeName, asks for the name of a source that hosts games; a wrong name closes nothing', async () => {
    const f = fixture();
    const { workbench: wb, step } = f;
    const api = await serverView();
    // Workspace settings: VS Code watches the open folder (user settings edited from outside are not picked up).
    const settingsFile = path.join(f.harness.workspaceDir, '.vscode', 'settings.json');
    fs.mkdirSync(path.dirname(settingsFile), { recursive: true });
    fs.writeFileSync(settingsFile, JSON.stringify({ 'instamrkt.closeConfirmation': 'typeName' }, null, 2));
    try {
      // VS Code picks up the edited settings.json by itself; the extension logs the change. Only then is it
      // safe to press "Close Source": before, that press would close the source for real.
      await waitUntil('the extension to see closeConfirmation = typeName', 30_000, async () => /instamrkt\.closeConfirmation is now "typeName"/.test(extensionLog(f.harness.userDataDir)));
      const row = await wb.treeRow(VIEW, 'demo.instamrkt.local');
      await step('right-click → Close Game Source', () => wb.contextMenu(row, 'Close Game Source'));
      await wb.waitForDialog();
      await step('press Close Source', () => wb.clickDialogButton('Close Source'));
      await step('type a wrong name', () => wb.typeInInput('demo.instamrkt', { prompt: /Type the source name/ }));
      await waitUntil('the mismatch to be flagged', 10_000, async () => /Type "demo\.instamrkt\.local" exactly to confirm/.test(await wb.quickInputMessage()));
      await step('press Escape', () => wb.dismissQuickInput());
      const demo = (await api.listGameSources()).find((x) => x.name === 'demo.instamrkt.local');
      assert.ok(demo, 'the source is still open on the server');
      assert.equal((await api.listGamesForSource(demo.id)).length, 2, 'its games are still active');
    } finally {
      fs.rmSync(settingsFile, { force: true });
    }
  });
  it('status bar: an accessible label, and a click offers the actions that fit the state', async () => {
    const { workbench: wb, step } = fixture();
    await wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/);
    const labels = await wb.statusBarLabels();
    assert.ok(labels.some((l) => /^Instamrkt: connected, latency \d+ milliseconds$/.test(l)), `labels: ${labels.join(' | ')}`);
    await step('click the Instamrkt status item', () => wb.statusBarItem(/Instamrkt \d+ ms/).click());
    const connectedItems = await wb.quickItems();
    for (const action of ['Refresh', 'Disconnect', 'Sign Out', 'Start Local Emulator', 'Show Log']) {
      assert.ok(connectedItems.some((i) => i.trim() === action), `offers ${action}: ${connectedItems.join(', ')}`);
    }
    assert.ok(!connectedItems.some((i) => i.trim() === 'Sign In' || i.trim() === 'Connect'), 'no Sign In or Connect while connected');
    await step('pick Disconnect', () => wb.pickQuickItem('Disconnect'));
    await step('status shows disconnected', () => wb.waitForStatusBar(/Instamrkt: disconnected/));
    await step('click the status item again', () => wb.statusBarItem(/Instamrkt: disconnected/).click());
    const offlineItems = await wb.quickItems();
    assert.ok(offlineItems.some((i) => i.trim() === 'Connect'), `offers Connect: ${offlineItems.join(', ')}`);
    assert.ok(!offlineItems.some((i) => i.trim() === 'Disconnect'), 'no Disconnect while disconnected');
    await step('pick Connect', () => wb.pickQuickItem('Connect'));
    await step('connected again', () => wb.waitForStatusBar(/^\s*Instamrkt \d+ ms$/, 30_000));
  });

  it('Escape on the close modal closes nothing', async () => {
    const { workbench: wb, step } = fixture();
    const api = await serverView();
    const row = await wb.treeRow(VIEW, 'demo.instamrkt.local');
    await step('right-click → Close Game Source', () => wb.contextMenu(row, 'Close Game Source'));
    await wb.waitForDialog();
    await step('press Escape', () => wb.page.keyboard.press('Escape'));
    await waitUntil('the modal to close', 10_000, async () => !(await wb.page.locator('.monaco-dialog-box').isVisible()));
    const demo = (await api.listGameSources()).find((x) => x.name === 'demo.instamrkt.local');
    assert.ok(demo, 'the source is still open on the server');
    assert.equal((await api.listGamesForSource(demo.id)).length, 2, 'its games are still active');
  });
  it('with no sources left, the view says so and offers Open Game Source', async () => {
    const { workbench: wb, step } = fixture();
    const api = await serverView();
    for (const source of await api.listGameSources()) await api.closeGameSource(source.id);
    await step('refresh the view', () => wb.clickViewAction(VIEW, 'Refresh'));
    await waitUntil('the no-sources welcome', 15_000, async () => /You have no open game sources/.test(await wb.viewWelcome(VIEW)));
    assert.match(await wb.viewWelcome(VIEW), /Open Game Source/);
    assert.deepEqual(await wb.treeLabels(VIEW), []);
  });
});
