// Closing a single game in the browser, as a person does it: the game row's
// context menu (Copy Game ID, then Close Game last), the modal that names the
// game, its source and its status, the typed name `auto` asks for (Enter alone
// closes nothing), Delete and Enter on selected rows, what a screen reader
// hears for a row, and a close whose connection drops before the reply.
import * as assert from 'node:assert/strict';
import { RestClient } from '../../src/protocol';
import { HostingClient } from '../fixtures/hostingClient';
import { isSignedIn, putSignInBack, signInAsDemo } from './account';
import { useFixture } from './fixture';
import { waitUntil } from './workbench';

const VIEW = 'Game Sources';
const SOURCE = 'games-e2e.example';
const SECOND = 'games-e2e-2.example';
const DERBY = 'E2E Derby';
const LATER = 'E2E Later';
const DROPPED = 'E2E Dropped';
const CONNECTED = /^\s*Instamrkt \d+ ms$/;

describe('Closing a game in the browser', function () {
  this.timeout(120_000);
  const fixture = useFixture();
  let api: HostingClient | undefined;
  let wasSignedIn = true;
  let sourceId = '';
  let secondId = '';

  /** The emulator's own view, through a separate signed-in connection (waits until it is connected again). */
  async function serverView(): Promise<HostingClient> {
    if (!api) {
      const f = fixture();
      const login = await new RestClient(f.emulatorUrl).login('demo', 'demo');
      api = new HostingClient({ serverUrl: f.serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: { initialDelayMs: 100, maxDelayMs: 1000 } });
    }
    await api.connect();
    return api;
  }

  /** How many times the running emulator received an operation from the demo user (its --verbose log). */
  function received(op: string): number {
    return fixture().server().child.tail(400).split('\n').filter((line) => line.endsWith(`user 1001: ${op}`)).length;
  }

  const gameIds = async (): Promise<string[]> => {
    const s = await serverView();
    return [...(await s.listGamesForSource(sourceId)).map((g) => g.game_id), ...(await s.listUpcomingGamesForSource(sourceId)).map((g) => g.id)];
  };

  before(async () => {
    const { workbench: wb } = fixture();
    // A faithful server whose --verbose log counts what it receives from here on.
    await fixture().restartServer();
    await wb.openViewContainer('Instamrkt');
    wasSignedIn = await isSignedIn(wb);
    if (!wasSignedIn) await signInAsDemo(wb);
    await wb.waitForStatusBar(CONNECTED, 60_000);
    const s = await serverView();
    sourceId = await s.openGameSource(SOURCE);
    await s.createAndOpenGame({ source_id: sourceId, game_name: DERBY, type: 'football', actions: ['goal'], targets: ['Home', 'Away'] });
    const tomorrow = Date.now() + 24 * 3600_000;
    await s.createAndOpenGame({ source_id: sourceId, game_name: LATER, type: 'chess', actions: ['mate'], targets: ['White', 'Black'], open_at: tomorrow, live_start_at: tomorrow });
    await s.createAndOpenGame({ source_id: sourceId, game_name: DROPPED, type: 'tennis', actions: ['set'], targets: ['A', 'B'] });
    secondId = await s.openGameSource(SECOND);
    await s.createAndOpenGame({ source_id: secondId, game_name: 'E2E Second', type: 'football', actions: ['goal'], targets: ['A', 'B'] });
    await wb.clickViewAction(VIEW, 'Refresh');
    await (await wb.treeRow(VIEW, SOURCE)).click();
    await wb.treeRow(VIEW, DERBY);
  });

  after(async () => {
    try {
      const s = await serverView();
      for (const id of [sourceId, secondId]) if ((await s.listGameSources()).some((x) => x.id === id)) await s.closeGameSource(id);
      await fixture().workbench.clickViewAction(VIEW, 'Refresh');
      await putSignInBack(fixture().workbench, wasSignedIn);
    } finally {
      api?.dispose();
    }
  });

  it('a game row says what it is and its status to a screen reader, and so does its source', async () => {
    const { workbench: wb } = fixture();
    assert.equal(await (await wb.treeRow(VIEW, DERBY)).getAttribute('aria-label'), `Game ${DERBY}, in progress, betting`);
    assert.match((await (await wb.treeRow(VIEW, LATER)).getAttribute('aria-label')) ?? '', new RegExp(`^Game ${LATER}, upcoming, starts `));
    // The source's row is drawn before its games are read; once they are, its label counts them.
    const sourceLabel = `Game source ${SOURCE}, 2 active games, 1 upcoming game`;
    await waitUntil(`the source row's label to be "${sourceLabel}"`, 10_000, async () => (await (await wb.treeRow(VIEW, SOURCE)).getAttribute('aria-label')) === sourceLabel);
  });

  it('right-click a game: Copy Game ID, and Close Game last; the modal names the game, its source and status; Enter alone closes nothing', async () => {
    const { workbench: wb, step, screenshot } = fixture();
    const row = await wb.treeRow(VIEW, DERBY);
    const items = await wb.contextMenuItems(row);
    assert.ok(items.includes('Copy Game ID'), `menu: ${items.join(', ')}`);
    assert.equal(items[items.length - 1], 'Close Game', `Close Game is the last item, in the destructive group: ${items.join(', ')}`);
    await step('right-click → Close Game', () => wb.contextMenu(row, 'Close Game'));
    const dialog = await wb.waitForDialog();
    await screenshot('close game modal');
    assert.match(dialog.text, new RegExp(`Close game "${DERBY}"\\?`));
    assert.match(dialog.text, new RegExp(`Game source: ${SOURCE.replace(/\./g, '\\.')}`));
    assert.match(dialog.text, /Status: in progress, betting/);
    assert.match(dialog.text, /resolves its betting pools/);
    assert.match(dialog.text, /cannot be undone/);
    assert.ok(dialog.buttons.includes('Close Game') && dialog.buttons.includes('Cancel'), `buttons: ${dialog.buttons.join(', ')}`);
    const before = received('close_game');
    await step('press Enter on the modal', () => wb.page.keyboard.press('Enter'));
    await step('the typed name is asked for', () => wb.waitForQuickInputText(/Type the game name/));
    await step('press Enter with nothing typed', () => wb.page.keyboard.press('Enter'));
    await waitUntil('the empty answer to be refused', 10_000, async () => new RegExp(`Type "${DERBY}" exactly to confirm`).test(await wb.quickInputMessage()));
    assert.equal(received('close_game'), before, 'nothing was sent');
    await step('type the name and press Enter', () => wb.answerInput(DERBY));
    await step('closed, in the status bar', () => wb.waitForStatusBar(new RegExp(`Closed game "${DERBY}"`)));
    await waitUntil('the row to leave the tree', 10_000, async () => !(await wb.treeLabels(VIEW)).includes(DERBY));
    assert.equal(received('close_game'), before + 1, 'one close sent');
    assert.equal((await gameIds()).length, 2, 'the server closed that game only');
  });

  it('Enter on a game row copies its ID', async () => {
    const { workbench: wb, step } = fixture();
    const id = (await (await serverView()).listUpcomingGamesForSource(sourceId))[0]?.id;
    assert.ok(id);
    await step('select the upcoming game', async () => (await wb.treeRow(VIEW, LATER)).click());
    await step('press Enter', () => wb.page.keyboard.press('Enter'));
    await step('the ID is copied', () => wb.waitForStatusBar(`Copied game ID ${id}`));
  });

  it('Delete on a selected game starts its close with the same modal; Cancel closes nothing', async () => {
    const { workbench: wb, step } = fixture();
    await step('select the upcoming game', async () => (await wb.treeRow(VIEW, LATER)).click());
    await step('press Delete', () => wb.page.keyboard.press('Delete'));
    const dialog = await wb.waitForDialog();
    assert.match(dialog.text, new RegExp(`Close game "${LATER}"\\?`));
    assert.match(dialog.text, /Status: upcoming/);
    await step('press Cancel', () => wb.clickDialogButton('Cancel'));
    assert.equal((await gameIds()).length, 2, 'nothing closed on the server');
  });

  it('Delete on a selected source: the source modal, then (auto) its name typed, since it hosts games', async () => {
    const { workbench: wb, step } = fixture();
    await step('select the source', async () => (await wb.treeRow(VIEW, SOURCE)).click());
    await step('press Delete', () => wb.page.keyboard.press('Delete'));
    const dialog = await wb.waitForDialog();
    assert.match(dialog.text, new RegExp(`Close game source "${SOURCE.replace(/\./g, '\\.')}"\\?`));
    await step('press Close Source', () => wb.clickDialogButton('Close Source'));
    await step('its name is asked for', () => wb.waitForQuickInputText(/Type the source name/));
    await step('press Escape', () => wb.dismissQuickInput());
    assert.ok((await (await serverView()).listGameSources()).some((x) => x.id === sourceId), 'the source is still open');
    assert.equal((await gameIds()).length, 2, 'its games are still open');
  });

  it('Delete on two selected sources that host games: one modal, then (auto) one shown name typed; a wrong one closes nothing', async () => {
    const { workbench: wb, step } = fixture();
    await step('select the first source', async () => (await wb.treeRow(VIEW, SOURCE)).click());
    await step('ctrl+click the second', async () => (await wb.treeRow(VIEW, SECOND)).click({ modifiers: ['Control'] }));
    await step('press Delete', () => wb.page.keyboard.press('Delete'));
    const dialog = await wb.waitForDialog();
    assert.match(dialog.text, /Close 2 game sources\?/);
    await step('press Close 2 Sources', () => wb.clickDialogButton('Close 2 Sources'));
    const asked = /Type "([^"]+)" to close these 2 sources and all their games/;
    await step('one name is asked for, shown in the prompt', () => wb.waitForQuickInputText(asked));
    const shown = asked.exec(await wb.quickInputText())?.[1] ?? '';
    assert.ok([SOURCE, SECOND].includes(shown), `the name shown is one of the two: ${shown}`);
    await step('type the other name', () => wb.typeInInput(shown === SOURCE ? SECOND : SOURCE));
    await waitUntil('the wrong name to be flagged', 10_000, async () => (await wb.quickInputMessage()).includes(`Type "${shown}" exactly to confirm`));
    await step('press Enter', () => wb.page.keyboard.press('Enter'));
    await step('press Escape', () => wb.dismissQuickInput());
    const open = (await (await serverView()).listGameSources()).map((x) => x.id);
    assert.ok(open.includes(sourceId) && open.includes(secondId), 'both sources are still open');
  });

  it('a game close whose connection drops says the outcome is unknown, is not re-sent, and the re-read settles it', async () => {
    const { workbench: wb, step } = fixture();
    await step('the server comes back slow to answer game closes', () => fixture().restartServer({ replyDelays: { close_game: 120_000 } }));
    await step('connected', () => wb.waitForStatusBar(CONNECTED, 60_000));
    if (!(await wb.treeLabels(VIEW)).includes(DROPPED)) await step('expand the source', async () => (await wb.treeRow(VIEW, SOURCE)).click());
    const row = await wb.treeRow(VIEW, DROPPED);
    await step('right-click → Close Game', () => wb.contextMenu(row, 'Close Game'));
    await wb.waitForDialog();
    await step('press Close Game', () => wb.clickDialogButton('Close Game'));
    await step('type its name', () => wb.answerInput(DROPPED, { prompt: /Type the game name/ }));
    await step('progress while waiting', () => wb.waitForNotification(new RegExp(`Closing game "${DROPPED}"`)));
    await waitUntil('the server to have closed it', 15_000, async () => (await gameIds()).length === 1);
    assert.equal(received('close_game'), 1, 'one close sent');
    await step('the connection drops before the reply', () => fixture().stopServer());
    const message = await step('the outcome is unknown', () => wb.waitForNotification(/may or may not have happened/));
    assert.match(message, new RegExp(`^Closing game "${DROPPED}" may or may not have happened: Connection lost — outcome unknown.*The list will be re-read from the server\\.$`));
    assert.ok((await wb.treeLabels(VIEW)).includes(DROPPED), 'still listed while the outcome is unknown');
    await step('the server comes back', () => fixture().startServer());
    await step('connected again', () => wb.waitForStatusBar(CONNECTED, 60_000));
    await waitUntil('the re-read to drop the game', 15_000, async () => !(await wb.treeLabels(VIEW)).includes(DROPPED));
    assert.equal(received('close_game'), 0, 'nothing re-sent after reconnecting');
  });
});
