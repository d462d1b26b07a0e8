// In-host benchmark (issue 4): the Game Sources tree with 10,000 sources,
// measured inside the real extension host. Run by `npm run bench:extension`
// through the same test-runner extension as the integration suite (this
// folder is not part of `npm test`), against the working tree's extension or
// the baseline commit's (it uses only the API both export). Asserts
// correctness only, never speed; the times go to the file the launcher names
// at bundle time.
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import { performance } from 'node:perf_hooks';
import * as vscode from 'vscode';
import type { InstamrktApi } from '../../src/extension';
import { until } from '../../test/integration/until';
import { InstamrktClient } from '../../src/protocol/client';
import { RestClient } from '../../src/protocol/rest';
import type { TreeNode } from '../../src/ui/sourcesTree';
import { testConfig } from '../../test/integration/config';
import type { TreeFigures } from '../extension/figures';

/** Replaced at bundle time by the launcher (esbuild `define`). */
declare const INSTAMRKT_BENCH_FIGURES_FILE: string;

const SOURCES = 10_000;
/**
 * The emulator runs each connection's requests one at a time and saves its
 * state file before replying, so one connection opens ~35 sources a second;
 * its saves fold changes from every connection, so open through many.
 */
const CONNECTIONS = 100;
const REFRESHES = 5;
const BUILDS = 10;

/** Names in an order unrelated to the opening order, so the sort has work to do. */
const sourceName = (i: number): string => `bench-${String((i * 7919) % SOURCES).padStart(5, '0')}.example.com`;

/** What VS Code asks of the provider to render the root: its children, then a TreeItem for each. */
async function buildTree(api: InstamrktApi): Promise<{ ms: number; childrenMs: number; items: vscode.TreeItem[] }> {
  const started = performance.now();
  const nodes: TreeNode[] = (await api.tree.getChildren()) ?? [];
  const childrenMs = performance.now() - started;
  const items = new Array<vscode.TreeItem>(nodes.length);
  for (let i = 0; i < nodes.length; i++) items[i] = api.tree.getTreeItem(nodes[i]);
  return { ms: performance.now() - started, childrenMs, items };
}

describe('Game Sources tree with 10,000 sources (benchmark)', function () {
  this.timeout(600_000);
  const others: InstamrktClient[] = [];

  after(() => {
    for (const client of others) client.dispose();
  });

  it('lists 10,001 rows sorted by name; times refresh and tree build', async () => {
    const { extensionId, restUrl, serverUrl } = testConfig();
    const ext = vscode.extensions.getExtension<InstamrktApi>(extensionId);
    assert.ok(ext, `${extensionId} installed`);
    const api = await ext.activate();

    const login = await new RestClient(restUrl).login('demo', 'demo');
    await api.session.signInWithSessionKey(login.userId, login.sessionKey);
    await until('the live source list', () => api.service.state.kind === 'live', 30_000);
    const before = (await buildTree(api)).items.map((item) => String(item.label));
    assert.deepEqual(before, ['demo.instamrkt.local'], 'the demo seed holds one source');

    for (let c = 0; c < CONNECTIONS; c++) {
      others.push(new InstamrktClient({ serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: false, requestTimeoutMs: 120_000 }));
    }
    await Promise.all(others.map((client) => client.connect()));
    const openStarted = performance.now();
    // Source i goes through connection i % CONNECTIONS; each connection pipelines its share.
    await Promise.all(
      others.map((client, c) =>
        Promise.all(
          Array.from({ length: Math.ceil((SOURCES - c) / CONNECTIONS) }, (_, k) => c + k * CONNECTIONS).map((i) => client.openGameSource(sourceName(i), `Benchmark source number ${i}`)),
        ),
      ),
    );
    const openMs = performance.now() - openStarted;

    const refreshMs: number[] = [];
    for (let r = 0; r < REFRESHES; r++) {
      const started = performance.now();
      await api.service.refresh();
      refreshMs.push(performance.now() - started);
    }

    const roundTripMs: number[] = [];
    for (let r = 0; r < REFRESHES; r++) {
      const connection = api.session.api;
      assert.ok(connection, 'the extension is connected');
      const started = performance.now();
      const listed = await connection.listGameSources();
      roundTripMs.push(performance.now() - started);
      assert.equal(listed.length, SOURCES + 1);
    }

    const buildMs: number[] = [];
    const childrenMs: number[] = [];
    let items: vscode.TreeItem[] = [];
    for (let b = 0; b < BUILDS; b++) {
      const built = await buildTree(api);
      buildMs.push(built.ms);
      childrenMs.push(built.childrenMs);
      items = built.items;
    }

    const expected = [...before, ...Array.from({ length: SOURCES }, (_, i) => sourceName(i))].sort();
    assert.equal(items.length, SOURCES + 1);
    assert.deepEqual(
      items.map((item) => String(item.label)),
      expected,
      'rows sorted by name',
    );
    assert.ok(
      items.every((item) => item.collapsibleState === vscode.TreeItemCollapsibleState.Collapsed && typeof item.id === 'string'),
      'every row is a collapsible source with an id',
    );

    const figures: TreeFigures = { rows: items.length, openMs, refreshMs, roundTripMs, buildMs, childrenMs };
    fs.writeFileSync(INSTAMRKT_BENCH_FIGURES_FILE, JSON.stringify(figures, null, 2));
  });
});
