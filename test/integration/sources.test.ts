// Issue 4 inside the real extension host: sign-in, the tree's content,
// live updates from broadcasts, every command that needs no prompt, settings
// changes, the local emulator, and that nothing secret is stored or logged.
// (Prompts, the modal and clicks are covered in the browser by test/e2e.)
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { HostingClient } from '../fixtures/hostingClient';
import { RestClient } from '../../src/protocol/rest';
import type { TreeNode } from '../../src/ui/sourcesTree';
import { testConfig } from './config';
import { api } from './extensionApi';
import { logText } from './extensionLog';
import { until } from './until';

async function rootLabels(a: InstamrktApi): Promise<string[]> {
  const nodes = (await a.tree.getChildren()) ?? [];
  return nodes.map((n) => String(a.tree.getTreeItem(n).label));
}

async function sourceNode(a: InstamrktApi, name: string): Promise<TreeNode> {
  const nodes = (await a.tree.getChildren()) ?? [];
  const node = nodes.find((n) => a.tree.getTreeItem(n).label === name);
  assert.ok(node, `no tree row named ${name}`);
  return node;
}

/** A second, independent user of the same emulator, speaking the protocol directly. */
async function otherClient(): Promise<HostingClient> {
  const { restUrl, serverUrl } = testConfig();
  const login = await new RestClient(restUrl).login('demo', 'demo');
  const client = new HostingClient({ serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: false });
  await client.connect();
  return client;
}

describe('Game Sources in VS Code', function () {
  this.timeout(60_000);
  let a: InstamrktApi;
  let other: HostingClient | undefined;
  let knownKey: string;

  before(async () => {
    a = await api();
  });

  after(() => other?.dispose());

  it('starts signed out, with an empty tree (the welcome content shows)', async () => {
    if (a.session.isSignedIn) await vscode.commands.executeCommand('instamrkt.signOut');
    assert.equal(a.session.snapshot.status.kind, 'signedOut');
    assert.deepEqual(await rootLabels(a), []);
  });

  it('signs in with a session key, stores it only in SecretStorage, and lists the demo source', async () => {
    const login = await new RestClient(testConfig().restUrl).login('demo', 'demo');
    knownKey = login.sessionKey;
    await a.session.signInWithSessionKey(login.userId, login.sessionKey);
    assert.equal(a.session.snapshot.status.kind, 'connected');
    await until('the source list', () => a.service.state.kind === 'live');
    assert.deepEqual(await rootLabels(a), ['demo.instamrkt.local']);
  });

  it('shows a source row with description, id tooltip and the close menu context', async () => {
    const node = await sourceNode(a, 'demo.instamrkt.local');
    const item = a.tree.getTreeItem(node);
    assert.equal(item.contextValue, 'source');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.ok(String(item.description).length > 0);
    const resolved = a.tree.resolveTreeItem(item, node);
    const tooltip = resolved.tooltip instanceof vscode.MarkdownString ? resolved.tooltip.value : String(resolved.tooltip);
    assert.ok(node.kind === 'source' && tooltip.includes(node.id), 'the tooltip names the id');
  });

  it('expands a source into its active games (status icons) and its upcoming game', async () => {
    const node = await sourceNode(a, 'demo.instamrkt.local');
    const children = (await a.tree.getChildren(node)) ?? [];
    const kinds = children.map((c) => c.kind);
    assert.deepEqual(kinds, ['game', 'game', 'upcoming']);
    for (const c of children) {
      const item = a.tree.getTreeItem(c);
      assert.ok(item.iconPath instanceof vscode.ThemeIcon, 'every game row has a theme icon');
      assert.ok(String(item.description).length > 0, 'every game row shows its status or start');
    }
  });

  it('copies a source id to the clipboard', async () => {
    const node = await sourceNode(a, 'demo.instamrkt.local');
    assert.equal(node.kind, 'source');
    await vscode.commands.executeCommand('instamrkt.copySourceId', node);
    assert.equal(await vscode.env.clipboard.readText(), node.kind === 'source' ? node.id : '');
  });

  it('shows a source opened elsewhere after Refresh', async () => {
    other = await otherClient();
    const id = await other.openGameSource('refresh-test.example', 'opened by another client');
    await vscode.commands.executeCommand('instamrkt.refresh');
    assert.ok((await rootLabels(a)).includes('refresh-test.example'));
    assert.equal(a.service.get(id)?.info.description, 'opened by another client');
  });

  it('drops a game closed elsewhere from the tree without a refresh (341 broadcast)', async () => {
    assert.ok(other);
    const node = await sourceNode(a, 'refresh-test.example');
    assert.ok(node.kind === 'source');
    const game = await other.createAndOpenGame({ source_id: node.id, game_name: 'Live update', type: 'football', actions: ['goal'], targets: ['A', 'B'] });
    await a.service.loadGames(node.id);
    const names = async () => ((await a.tree.getChildren(node)) ?? []).map((c) => String(a.tree.getTreeItem(c).label));
    assert.ok((await names()).includes('Live update'));
    // The extension subscribed (join_game) when it loaded the games; close from the other client.
    await until('the subscription to be in place', async () => (await a.session.api?.listGameSources()) !== undefined);
    await other.closeGame(game.game_id);
    await until('the closed game to leave the tree', async () => !(await names()).includes('Live update'));
  });

  it('disconnects (list kept, marked stale) and connects again', async () => {
    await vscode.commands.executeCommand('instamrkt.disconnect');
    assert.equal(a.session.snapshot.status.kind, 'disconnected');
    assert.equal(a.service.state.kind, 'stale');
    assert.ok((await rootLabels(a)).includes('demo.instamrkt.local'), 'the last known list stays visible');
    await vscode.commands.executeCommand('instamrkt.connect');
    await until('connected', () => a.session.snapshot.status.kind === 'connected');
    await until('live list', () => a.service.state.kind === 'live');
  });

  it('reconnects when a connection setting changes', async () => {
    const config = vscode.workspace.getConfiguration('instamrkt');
    const seen: string[] = [];
    const sub = a.session.onDidChange((s) => seen.push(s.status.kind));
    try {
      await config.update('keepAliveSeconds', 17, vscode.ConfigurationTarget.Global);
      await until('a reconnection', () => seen.includes('connecting') && a.session.snapshot.status.kind === 'connected');
    } finally {
      sub.dispose();
      await config.update('keepAliveSeconds', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('connected again', () => a.session.snapshot.status.kind === 'connected');
  });

  it('refuses a non-TLS URL to a non-loopback host with a clear error, and recovers when it is reverted', async () => {
    const config = vscode.workspace.getConfiguration('instamrkt');
    const original = config.inspect<string>('serverUrl')?.globalValue;
    try {
      await config.update('serverUrl', 'ws://example.com:9999', vscode.ConfigurationTarget.Global);
      await until('the insecure URL to be refused', () => /unencrypted ws:\/\/ to example\.com/i.test(a.session.snapshot.lastError ?? ''));
      assert.equal(a.session.snapshot.status.kind, 'disconnected');
      assert.equal(a.session.snapshot.serverUrl, 'ws://example.com:9999');
    } finally {
      await config.update('serverUrl', original, vscode.ConfigurationTarget.Global);
    }
    await until('connected to the emulator again', () => a.session.snapshot.status.kind === 'connected', 20_000);
  });

  it('keeps secrets out of settings, globalState and the log (trace included)', async () => {
    assert.ok(knownKey && knownKey.length >= 8);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('instamrkt'));
    const inspected = ['serverUrl', 'restUrl', 'autoConnect', 'requestTimeoutSeconds', 'keepAliveSeconds', 'closeConfirmation'].map((k) =>
      JSON.stringify(vscode.workspace.getConfiguration('instamrkt').inspect(k)),
    );
    for (const text of [settings, ...inspected]) assert.ok(!text.includes(knownKey), 'no session key in settings');
    const state = JSON.stringify(a.globalState());
    assert.ok(!state.includes(knownKey), 'no session key in globalState');
    assert.ok(!/password|session_?key/i.test(state), `globalState holds only ids and names: ${state.slice(0, 200)}`);
    const log = await logText();
    assert.match(log, /\[trace\].*→ list_game_sources_i_am_admin_of/, 'trace lines (every request by op name) are in the log');
    assert.match(log, /\[trace\].*← game_sources_i_am_admin_of_list/, 'and every reply by name');
    assert.ok(!log.includes(knownKey), 'no session key in the log');
    assert.ok(!/[0-9a-f]{64}/i.test(log), 'no handshake digest in the log');
  });

  it('caches only ids and names of sources in globalState', () => {
    const entries = Object.entries(a.globalState()).filter(([k]) => k.startsWith('instamrkt.sourcesCache:'));
    assert.equal(entries.length, 1);
    const value = entries[0][1] as { sources: Record<string, unknown>[] };
    assert.ok(value.sources.length >= 1);
    for (const s of value.sources) assert.deepEqual(Object.keys(s).sort(), ['id', 'name']);
  });

  it('signs out: disconnected, tree empty, cache cleared', async () => {
    await vscode.commands.executeCommand('instamrkt.signOut');
    assert.equal(a.session.snapshot.status.kind, 'signedOut');
    assert.deepEqual(await rootLabels(a), []);
    await until('the cache to be cleared', () => !Object.keys(a.globalState()).some((k) => k.startsWith('instamrkt.sourcesCache:')));
  });

  it('starts the bundled local emulator, signs in as demo and lists its source; stopping goes back', async () => {
    await vscode.commands.executeCommand('instamrkt.startEmulator');
    await until('connected to the local emulator', () => a.session.snapshot.usingEmulator && a.session.snapshot.status.kind === 'connected', 30_000);
    assert.match(a.session.snapshot.serverUrl, /^ws:\/\/127\.0\.0\.1:\d+$/);
    assert.notEqual(a.session.snapshot.serverUrl, testConfig().serverUrl, 'a separate emulator process, not the test one');
    await until('its demo source', async () => (await rootLabels(a)).includes('demo.instamrkt.local'));
    // Starting again reuses the running one.
    const url = a.session.snapshot.serverUrl;
    await vscode.commands.executeCommand('instamrkt.startEmulator');
    await until('connected again', () => a.session.snapshot.status.kind === 'connected', 30_000);
    assert.equal(a.session.snapshot.serverUrl, url);
    await vscode.commands.executeCommand('instamrkt.stopEmulator');
    assert.equal(a.session.snapshot.usingEmulator, false);
    assert.equal(a.session.snapshot.serverUrl, testConfig().serverUrl);
  });
  it('instamrkt.startLocalEmulator starts the bundled emulator and signs in; turning it off goes back', async () => {
    const config = vscode.workspace.getConfiguration('instamrkt');
    try {
      await config.update('startLocalEmulator', true, vscode.ConfigurationTarget.Global);
      await until('connected to the local emulator', () => a.session.snapshot.usingEmulator && a.session.snapshot.status.kind === 'connected', 30_000);
      assert.equal(a.session.snapshot.username, 'demo');
      await until('its demo source', async () => (await rootLabels(a)).includes('demo.instamrkt.local'));
    } finally {
      await config.update('startLocalEmulator', undefined, vscode.ConfigurationTarget.Global);
    }
    await until('back on the configured server', () => !a.session.snapshot.usingEmulator, 30_000);
    assert.equal(a.session.snapshot.serverUrl, testConfig().serverUrl);
  });
});
