// Issue 11's game rows inside the real extension host: what a game row offers
// and says (context, accessible labels), Copy Game ID, Close Game refused
// while offline, the keyboard bindings and the `auto` default as VS Code reads
// them, the Close Game flow shipped as its own chunk, and what the close tells
// the user for each outcome. (The modal and the clicks: test/e2e/sourcesGames.)
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { ConnectionLostError, RequestTimeoutError, RestClient, ServerError } from '../../src/protocol';
import { closeGameFailure, closeGameWarning } from '../../src/ui/closeGameFlow';
import type { TreeNode } from '../../src/ui/sourcesTree';
import { HostingClient } from '../fixtures/hostingClient';
import { testConfig } from './config';
import { api } from './extensionApi';
import { until } from './until';

const SOURCE = 'games-inhost.example';

interface Keybinding {
  command: string;
  key: string;
  when?: string;
}

function extension(): vscode.Extension<InstamrktApi> {
  const ext = vscode.extensions.getExtension<InstamrktApi>(testConfig().extensionId);
  assert.ok(ext);
  return ext;
}

describe('Game rows and Close Game in VS Code', function () {
  this.timeout(60_000);
  let a: InstamrktApi;
  let other: HostingClient;
  let sourceId: string;
  let gameId: string;
  let wasSignedIn: boolean;

  async function children(): Promise<TreeNode[]> {
    const roots = (await a.tree.getChildren()) ?? [];
    const source = roots.find((n) => n.kind === 'source' && n.id === sourceId);
    assert.ok(source, 'the source row');
    return (await a.tree.getChildren(source)) ?? [];
  }

  before(async () => {
    a = await api();
    wasSignedIn = a.session.isSignedIn;
    const { restUrl, serverUrl } = testConfig();
    const login = await new RestClient(restUrl).login('demo', 'demo');
    if (a.session.snapshot.status.kind !== 'connected') await a.session.signInWithSessionKey(login.userId, login.sessionKey);
    other = new HostingClient({ serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: false });
    await other.connect();
    sourceId = await other.openGameSource(SOURCE);
    gameId = (await other.createAndOpenGame({ source_id: sourceId, game_name: 'In-host Final', type: 'football', actions: ['goal'], targets: ['A', 'B'] })).game_id;
    await vscode.commands.executeCommand('instamrkt.refresh');
    await until('the source with its game', () => a.service.get(sourceId));
    await a.service.loadGames(sourceId);
  });

  after(async () => {
    await other.closeGameSource(sourceId).catch(() => undefined);
    other.dispose();
    if (!wasSignedIn) await vscode.commands.executeCommand('instamrkt.signOut');
  });

  it('a game row has the game context and says "Game <name>, <status in words>"; its source row counts its games in words', async () => {
    const game = (await children()).find((n) => n.kind === 'game');
    assert.ok(game);
    const item = a.tree.getTreeItem(game);
    assert.equal(item.contextValue, 'game');
    assert.equal(item.accessibilityInformation?.label, 'Game In-host Final, in progress, betting');
    const source = ((await a.tree.getChildren()) ?? []).find((n) => n.kind === 'source' && n.id === sourceId);
    assert.ok(source);
    assert.equal(a.tree.getTreeItem(source).accessibilityInformation?.label, `Game source ${SOURCE}, 1 active game, 0 upcoming games`);
  });

  it('Copy Game ID copies the id of the row it runs on', async () => {
    const game = (await children()).find((n) => n.kind === 'game');
    await vscode.env.clipboard.writeText('');
    await vscode.commands.executeCommand('instamrkt.copyGameId', game);
    assert.equal(await vscode.env.clipboard.readText(), gameId);
  });

  it('Close Game while disconnected says to connect first, with Show Log, and sends nothing', async () => {
    const game = (await children()).find((n) => n.kind === 'game');
    await vscode.commands.executeCommand('instamrkt.disconnect');
    try {
      const before = a.notices().length;
      await vscode.commands.executeCommand('instamrkt.closeGame', game);
      const notice = a.notices().slice(before).find((n) => /Connect to Instamrkt before closing a game/.test(n.message));
      assert.ok(notice, `notices: ${a.notices().map((n) => n.message).join(' | ')}`);
      assert.ok(notice.steps.some((s) => s.label === 'Show Log'));
    } finally {
      await vscode.commands.executeCommand('instamrkt.connect');
      await until('connected', () => a.session.snapshot.status.kind === 'connected');
    }
    assert.ok((await other.listGamesForSource(sourceId)).some((g) => g.game_id === gameId), 'the game is still open on the server');
  });

  it('binds Delete (close the selection) and Enter on a game row (copy its ID) to the focused view only', () => {
    const keybindings = (extension().packageJSON as { contributes: { keybindings: Keybinding[] } }).contributes.keybindings;
    const del = keybindings.find((k) => k.key === 'delete');
    assert.equal(del?.command, 'instamrkt.closeSelected');
    assert.match(del?.when ?? '', /focusedView == instamrkt\.sources/);
    assert.match(del?.when ?? '', /!inputFocus/);
    const enter = keybindings.find((k) => k.key === 'enter');
    assert.equal(enter?.command, 'instamrkt.copyGameId');
    assert.match(enter?.when ?? '', /focusedView == instamrkt\.sources.*treeElementHasParent/);
  });

  it('closeConfirmation defaults to auto, with modal and typeName still offered', () => {
    const inspected = vscode.workspace.getConfiguration('instamrkt').inspect<string>('closeConfirmation');
    assert.equal(inspected?.defaultValue, 'auto');
    const schema = (extension().packageJSON as { contributes: { configuration: { properties: Record<string, { enum: string[] }> } } }).contributes.configuration.properties['instamrkt.closeConfirmation'];
    assert.deepEqual(schema.enum, ['auto', 'modal', 'typeName']);
  });

  it('ships the Close Game flow as its own chunk, outside the bundle loaded at activation, and it loads', () => {
    const dist = path.join(extension().extensionPath, 'dist');
    const chunk = createRequire(__filename)(path.join(dist, 'closeGameFlow.js')) as { runCloseGame?: unknown };
    assert.equal(typeof chunk.runCloseGame, 'function');
    assert.ok(!fs.readFileSync(path.join(dist, 'extension.js'), 'utf8').includes('Closing it resolves its betting pools'), 'the flow is not in dist/extension.js');
  });

  it('the modal names the game, its source and its status, says its pools are resolved and it cannot be undone', () => {
    const w = closeGameWarning({ name: 'Final', sourceName: 'games.example', status: 'in progress, betting' });
    assert.equal(w.message, 'Close game "Final"?');
    assert.match(w.detail, /Game source: games\.example/);
    assert.match(w.detail, /Status: in progress, betting/);
    assert.match(w.detail, /resolves its betting pools/);
    assert.match(w.detail, /This cannot be undone\./);
  });

  it('after a failure says what is known: refused (the server\'s text), or unknown after a drop or timeout (re-read); never "closed"', () => {
    assert.equal(closeGameFailure('Final', new ServerError('No game "x" administered by you.')), 'Could not close game "Final": the server refused: No game "x" administered by you.');
    assert.equal(
      closeGameFailure('Final', new ConnectionLostError()),
      'Closing game "Final" may or may not have happened: Connection lost — outcome unknown. The list will be re-read from the server.',
    );
    assert.match(closeGameFailure('Final', new RequestTimeoutError('close_game', 30_000)), /^Closing game "Final" may or may not have happened: No reply to close_game within 30 s — outcome unknown\. The list will be re-read/);
    assert.equal(closeGameFailure('Final', new Error('boom')), 'Could not close game "Final": boom');
  });
});
