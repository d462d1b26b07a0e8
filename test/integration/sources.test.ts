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
import { logLine, logMark, logText } from './extensionLog';
import { readStoreAgain } from './testServer';
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

/** A second, independent connection of the demo user, speaking the protocol directly (the server's own view). */
async function otherClient(): Promise<HostingClient> {
  const { restUrl, serverUrl } = testConfig();
  const login = await new RestClient(restUrl).login('demo', 'demo');
  const client = new HostingClient({ serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: false });
  await client.connect();
  return client;
}

/** The SecretStorage key of the credentials for the run's server. */
function credentialsKey(): string {
  return `instamrkt.credentials:${testConfig().serverUrl}`;
}

/**
 * Signs in afresh as demo with a new session key on the run's server (off the
 * local emulator, if a test left it on) and waits for the live list; returns
 * the key. What a test that needs a signed-in window starts from, whatever
 * ran before it.
 */
async function signInAfresh(a: InstamrktApi): Promise<string> {
  if (a.session.snapshot.usingEmulator) await vscode.commands.executeCommand('instamrkt.stopEmulator');
  assert.equal(a.session.snapshot.serverUrl, testConfig().serverUrl, 'the window is on the run\'s server');
  const login = await new RestClient(testConfig().restUrl).login('demo', 'demo');
  await a.session.signInWithSessionKey(login.userId, login.sessionKey);
  assert.equal(a.session.snapshot.status.kind, 'connected');
  await until('the source list', () => a.service.state.kind === 'live');
  return login.sessionKey;
}

describe('Game Sources in VS Code', function () {
  this.timeout(60_000);
  let a: InstamrktApi;

  before(async () => {
    a = await api();
  });

  it('signs in with a session key: it is stored in SecretStorage (and read back from there), and the demo source is listed', async () => {
    if (a.session.isSignedIn) await vscode.commands.executeCommand('instamrkt.signOut');
    assert.ok(!(await a.secretKeys()).includes(credentialsKey()), 'signed out: nothing stored for this server');
    const login = await new RestClient(testConfig().restUrl).login('demo', 'demo');
    await a.session.signInWithSessionKey(login.userId, login.sessionKey);
    assert.equal(a.session.snapshot.status.kind, 'connected');
    await until('the source list', () => a.service.state.kind === 'live');
    assert.deepEqual(await rootLabels(a), ['demo.instamrkt.local']);
    assert.ok((await a.secretKeys()).includes(credentialsKey()), `stored in SecretStorage under ${credentialsKey()}`);
    // What a reload does: start over from the store. Connected as that user means the stored secret is this sign-in.
    await readStoreAgain(a);
    await until('connected again from the store', () => a.session.snapshot.status.kind === 'connected');
    assert.equal(a.session.snapshot.userId, login.userId);
  });

  it('shows a source row with description, id tooltip and the close menu context', async () => {
    await signInAfresh(a);
    const node = await sourceNode(a, 'demo.instamrkt.local');
    const item = a.tree.getTreeItem(node);
    assert.equal(item.contextValue, 'source');
    assert.equal(item.collapsibleState, vscode.TreeItemCollapsibleState.Collapsed);
    assert.ok(node.kind === 'source');
    assert.equal(item.description, a.service.get(node.id)?.info.description, 'the description is the source\'s');
    assert.ok(String(item.description).length > 0);
    const resolved = a.tree.resolveTreeItem(item, node);
    const tooltip = resolved.tooltip instanceof vscode.MarkdownString ? resolved.tooltip.value : String(resolved.tooltip);
    assert.ok(tooltip.includes(node.id), 'the tooltip names the id');
  });

  it('expands a source into its active games (status icons) and its upcoming game', async () => {
    await signInAfresh(a);
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
    await signInAfresh(a);
    const node = await sourceNode(a, 'demo.instamrkt.local');
    assert.ok(node.kind === 'source');
    await vscode.env.clipboard.writeText('not the id');
    await vscode.commands.executeCommand('instamrkt.copySourceId', node);
    assert.equal(await vscode.env.clipboard.readText(), node.id);
  });

  it('shows a source opened elsewhere after Refresh', async () => {
    await signInAfresh(a);
    const other = await otherClient();
    let id: string | undefined;
    try {
      id = await other.openGameSource('refresh-test.example', 'opened by another client');
      assert.ok(!(await rootLabels(a)).includes('refresh-test.example'), 'not shown before the refresh');
      await vscode.commands.executeCommand('instamrkt.refresh');
      assert.ok((await rootLabels(a)).includes('refresh-test.example'));
      assert.equal(a.service.get(id)?.info.description, 'opened by another client');
    } finally {
      if (id) await other.closeGameSource(id);
      other.dispose();
    }
  });

  it('drops a game closed elsewhere from the tree without a refresh (341 broadcast)', async () => {
    await signInAfresh(a);
    const other = await otherClient();
    let sourceId: string | undefined;
    try {
      sourceId = await other.openGameSource('broadcast-test.example');
      await vscode.commands.executeCommand('instamrkt.refresh');
      const node = await sourceNode(a, 'broadcast-test.example');
      const game = await other.createAndOpenGame({ source_id: sourceId, game_name: 'Live update', type: 'football', actions: ['goal'], targets: ['A', 'B'] });
      await a.service.loadGames(sourceId);
      const names = async () => ((await a.tree.getChildren(node)) ?? []).map((c) => String(a.tree.getTreeItem(c).label));
      assert.ok((await names()).includes('Live update'));
      // The window's connection is the game creator's (demo), whom the server tells of the close as its admin.
      await other.closeGame(game.game_id);
      await until('the closed game to leave the tree', async () => !(await names()).includes('Live update'));
    } finally {
      if (sourceId) await other.closeGameSource(sourceId);
      other.dispose();
    }
  });

  it('disconnects (list kept, marked stale) and connects again', async () => {
    await signInAfresh(a);
    await vscode.commands.executeCommand('instamrkt.disconnect');
    assert.equal(a.session.snapshot.status.kind, 'disconnected');
    assert.equal(a.service.state.kind, 'stale');
    assert.ok((await rootLabels(a)).includes('demo.instamrkt.local'), 'the last known list stays visible');
    await vscode.commands.executeCommand('instamrkt.connect');
    await until('connected', () => a.session.snapshot.status.kind === 'connected');
    await until('live list', () => a.service.state.kind === 'live');
  });

  it('reconnects when a connection setting changes', async () => {
    await signInAfresh(a);
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
    await signInAfresh(a);
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

  it('keeps the session key out of settings, globalState and the log (trace included)', async () => {
    const key = await signInAfresh(a);
    assert.ok(key.length >= 8);
    // A refresh after the sign-in: its request and reply are traced while the key is in use.
    const mark = await logMark();
    await vscode.commands.executeCommand('instamrkt.refresh');
    await logLine('the traced request', /\[trace\].*→ list_game_sources_i_am_admin_of/, mark);
    await logLine('the traced reply', /\[trace\].*← game_sources_i_am_admin_of_list/, mark);
    const settings = JSON.stringify(vscode.workspace.getConfiguration('instamrkt'));
    const inspected = ['serverUrl', 'restUrl', 'autoConnect', 'requestTimeoutSeconds', 'keepAliveSeconds', 'closeConfirmation'].map((k) =>
      JSON.stringify(vscode.workspace.getConfiguration('instamrkt').inspect(k)),
    );
    for (const text of [settings, ...inspected]) assert.ok(!text.includes(key), 'no session key in settings');
    const state = JSON.stringify(a.globalState());
    assert.ok(!state.includes(key), 'no session key in globalState');
    assert.ok(!/password|session_?key/i.test(state), `globalState holds only ids and names: ${state.slice(0, 200)}`);
    const log = await logText();
    assert.ok(!log.includes(key), 'no session key in the log');
    assert.ok(!/[0-9a-f]{64}/i.test(log), 'no handshake digest in the log');
  });

  it('caches only ids and names of sources in globalState', async () => {
    await signInAfresh(a);
    const { serverUrl, userId } = a.session.snapshot;
    const key = `instamrkt.sourcesCache:${serverUrl}|${userId ?? ''}`;
    const value = await until('the list to be cached', () => a.globalState()[key] as { sources: Record<string, unknown>[] } | undefined);
    assert.ok(value.sources.length >= 1);
    for (const s of value.sources) assert.deepEqual(Object.keys(s).sort(), ['id', 'name']);
  });

  it('signs out: signed out, tree empty, cached lists cleared, and this server\'s credentials gone from SecretStorage', async () => {
    await signInAfresh(a);
    assert.ok((await a.secretKeys()).includes(credentialsKey()), 'signed in: the credentials are stored');
    await vscode.commands.executeCommand('instamrkt.signOut');
    assert.equal(a.session.snapshot.status.kind, 'signedOut');
    assert.deepEqual(await rootLabels(a), []);
    await until('the cache to be cleared', () => !Object.keys(a.globalState()).some((k) => k.startsWith('instamrkt.sourcesCache:')));
    // Only this server's: other tests may hold sign-ins of their own servers, which a sign-out here leaves alone.
    assert.ok(!(await a.secretKeys()).includes(credentialsKey()), "read back through SecretStorage: this server's credentials are gone");
    // And a reload (a start over from the store) stays signed out.
    await readStoreAgain(a);
    assert.equal(a.session.snapshot.status.kind, 'signedOut');
  });

  it('starts the bundled local emulator, signs in as demo and lists its source; stopping goes back', async () => {
    await vscode.commands.executeCommand('instamrkt.startEmulator');
    await until('connected to the local emulator', () => a.session.snapshot.usingEmulator && a.session.snapshot.status.kind === 'connected', 30_000);
    assert.equal(a.session.snapshot.username, 'demo');
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
