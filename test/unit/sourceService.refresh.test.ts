// SourceService against the real emulator, checked from the server's side:
// what a refresh re-reads, that concurrent refreshes share one read, that
// games are really subscribed with join_game, that the cache never replaces a
// live list, and that nothing is sent while not connected. What the client
// sent is read from the emulator's record of requests (support/requestLog.ts).
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { NotConnectedError, ServerError } from '../../src/protocol/errors';
import type { ServerMessage } from '../../src/protocol/messages';
import { SourceService, type SourcesChange } from '../../src/sources/sourceService';
import { ClientPool, type Emulator } from './support/emulatorClients';
import { RequestLog } from './support/requestLog';
import { waitFor } from './support/wait';
import { MemoryCache, OWNER } from './support/memoryCache';


const DEMO_USER = '1001';
const GAME = { game_name: 'Refresh test', type: 'football', actions: ['goal'], targets: ['A', 'B'] };

describe('SourceService: refresh, subscriptions and the not-connected guard (issue 12)', () => {
  let requests: RequestLog;
  let emulator: Emulator;
  let pool: ClientPool;
  let cache: MemoryCache;
  let service: SourceService;

  beforeEach(async () => {
    requests = new RequestLog();
    emulator = await startEmulator({ port: 0, seed: 'demo', log: requests.log });
    pool = new ClientPool(() => emulator);
    cache = new MemoryCache();
    service = new SourceService(cache);
  });

  afterEach(async () => {
    service.dispose();
    pool.disposeAll();
    await emulator.close();
  });

  it('subscribes to each active game it reads: the server receives one join_game per game, and the admin sees each join (470)', async () => {
    const client = await pool.connected('demo', 'demo');
    const watcher = await pool.connected('demo', 'demo');
    const joined: string[] = [];
    watcher.onEvent((m: ServerMessage) => {
      if (m.name === 'user_joined_game') joined.push(m.body.game_id);
    });
    await service.attach(client, OWNER);
    const id = service.list()[0].info.id;
    assert.equal(requests.count('join_game'), 0, 'reading the list subscribes to nothing');
    const games = await service.loadGames(id);
    const ids = games.active.map((g) => g.game_id).sort();
    assert.equal(ids.length, 2);
    // 470 goes to the game's other subscribers (here the admin's other connection) once the server handled the join.
    await waitFor(() => joined.length === ids.length, 'a 470 for each join');
    assert.deepEqual([...joined].sort(), ids, 'each active game was joined');
    assert.equal(requests.count('join_game', DEMO_USER), ids.length, 'one join_game per active game, as the server recorded');
    assert.equal(requests.count('list_games_for_source'), 1);
    assert.equal(requests.count('list_upcoming_games_for_source'), 1);
  });

  it('re-reads on refresh the games of a source whose games were shown, and not those of a source never expanded', async () => {
    const client = await pool.connected('demo', 'demo');
    const other = await pool.connected('demo', 'demo');
    const neverShown = await other.openGameSource('never-expanded.example');
    await service.attach(client, OWNER);
    const shown = service.list().find((e) => e.info.id !== neverShown)?.info.id as string;
    await service.games(shown);
    const created = await other.createAndOpenGame({ source_id: shown, ...GAME });
    const readsBefore = requests.count('list_games_for_source');
    const changed: SourcesChange[] = [];
    service.onDidChange((e) => changed.push(e));
    await service.refresh();
    assert.ok(
      service.get(shown)?.games?.active.some((g) => g.game_id === created.game_id),
      'the game created elsewhere is shown after the refresh, without asking for the games again',
    );
    assert.equal(service.get(neverShown)?.info.name, 'never-expanded.example', 'the other source is still listed');
    assert.equal(service.get(neverShown)?.games, undefined, 'the games of a source never expanded are not read');
    assert.equal(requests.count('list_games_for_source') - readsBefore, 1, 'one games read, for the expanded source only');
    assert.ok(changed.some((e) => e.sourceId === shown), 'the expanded source is announced as changed');
    // games() answers from what was read; it does not ask the server again.
    const readsAfter = requests.count('list_games_for_source');
    const again = await service.games(shown);
    assert.equal(requests.count('list_games_for_source'), readsAfter);
    assert.ok(again.active.some((g) => g.game_id === created.game_id));
  });

  it('shares one read among concurrent refreshes, and a refresh after it reads again', async () => {
    const client = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    const before = requests.count('list_game_sources_i_am_admin_of');
    const first = service.refresh();
    const second = service.refresh();
    assert.equal(second, first, 'the second call gets the read already under way');
    await Promise.all([first, second]);
    assert.equal(requests.count('list_game_sources_i_am_admin_of') - before, 1, 'the server was asked once');
    await service.refresh();
    assert.equal(requests.count('list_game_sources_i_am_admin_of') - before, 2, 'once finished, the next refresh asks again');
  });

  it('never lets the cached list replace a live one', async () => {
    const client = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    const live = service.list().map((e) => e.info.id);
    cache.value = { savedAt: 1_700_000_000_000, sources: [{ id: 'cached-only', name: 'old.example' }] };
    let changes = 0;
    service.onDidChange(() => changes++);
    service.showCached(OWNER);
    assert.deepEqual(service.state, { kind: 'live' });
    assert.deepEqual(
      service.list().map((e) => e.info.id),
      live,
    );
    assert.equal(service.get('cached-only'), undefined);
    assert.equal(changes, 0, 'nothing was announced');
  });

  it('shows nothing, and announces nothing, when there is no cached list', () => {
    let changes = 0;
    service.onDidChange(() => changes++);
    service.showCached(OWNER);
    assert.deepEqual(service.state, { kind: 'empty' });
    assert.equal(service.list().length, 0);
    assert.equal(changes, 0);
  });

  it('refuses every server operation with NotConnectedError while not connected, sending nothing', async () => {
    const notConnected = (err: unknown) => err instanceof NotConnectedError;
    const noRequests = (what: string) => assert.deepEqual(requests.requests(), [], `${what}: nothing reached the server`);
    // Never attached.
    await assert.rejects(service.refresh(), notConnected);
    await assert.rejects(service.loadGames('any'), notConnected);
    await assert.rejects(service.games('any'), notConnected);
    await assert.rejects(service.open('never.example'), notConnected);
    const closing = await service.close(['a', 'b']);
    assert.deepEqual(closing.closed, []);
    assert.deepEqual(
      closing.failed.map((f) => [f.id, f.error instanceof NotConnectedError]),
      [
        ['a', true],
        ['b', true],
      ],
    );
    noRequests('never attached');
    // Attached, then detached: the list stays (stale), the server is not asked.
    const client = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    const id = service.list()[0].info.id;
    service.detach();
    const sent = requests.requests().length;
    await assert.rejects(service.refresh(), notConnected);
    await assert.rejects(service.loadGames(id), notConnected);
    await assert.rejects(service.open('never.example'), notConnected);
    const afterDetach = await service.close([id]);
    assert.ok(afterDetach.failed[0]?.error instanceof NotConnectedError);
    assert.equal(afterDetach.failed[0]?.name, 'demo.instamrkt.local', 'the failure names the source');
    assert.ok(service.get(id), 'a source whose close was refused stays');
    assert.equal(requests.requests().length, sent, 'after detach: nothing reached the server');
    // Cleared (signed out): the same.
    await service.attach(client, OWNER);
    service.clear();
    await assert.rejects(service.refresh(), notConnected);
  });

  it('announces every change of the list: read, opened, closed, detached, cleared', async () => {
    const client = await pool.connected('demo', 'demo');
    const changes: SourcesChange[] = [];
    service.onDidChange((e) => changes.push(e));
    await service.attach(client, OWNER);
    assert.deepEqual(changes, [{}], 'the list read');
    const id = await service.open('announced.example');
    assert.deepEqual(changes, [{}, {}], 'the opened source, when open() resolves (before the refresh it starts is answered)');
    await service.refresh();
    changes.length = 0;
    await service.close([id]);
    assert.deepEqual(changes, [{}], 'the closed source');
    changes.length = 0;
    service.detach();
    assert.deepEqual(changes, [{}], 'stale');
    changes.length = 0;
    service.clear();
    assert.deepEqual(changes, [{}], 'cleared');
  });

  it('detaching a list never read leaves it empty and announces nothing', () => {
    let changes = 0;
    service.onDidChange(() => changes++);
    service.detach();
    assert.deepEqual(service.state, { kind: 'empty' });
    assert.equal(changes, 0);
  });

  it('shows the cached list as stale, with ids and names only, and announces it', () => {
    cache.value = { savedAt: 1_700_000_000_000, sources: [{ id: 'c1', name: 'cached.example' }] };
    let changes = 0;
    service.onDidChange(() => changes++);
    service.showCached(OWNER);
    assert.equal(changes, 1);
    assert.deepEqual(service.state, { kind: 'stale', since: 1_700_000_000_000 });
    assert.deepEqual(service.get('c1')?.info, { id: 'c1', name: 'cached.example', description: '' });
  });

  it('lists an opened source at once: its name trimmed, its description, and no games (without asking the server)', async () => {
    const client = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    const reads = requests.count('list_games_for_source');
    const id = await service.open('  zz-padded.example  ');
    // Synchronously after open() resolves: the refresh it started has not been answered yet.
    assert.deepEqual(service.get(id)?.info, { id, name: 'zz-padded.example', description: '' });
    assert.equal(service.list().at(-1)?.info.id, id, 'sorted by its trimmed name (last), not by the spaces');
    assert.deepEqual(service.get(id)?.games, { active: [], upcoming: [] });
    assert.ok(service.list().some((e) => e.info.id === id), 'in the sorted list');
    const described = await service.open('described.example', 'Its description');
    assert.equal(service.get(described)?.info.description, 'Its description');
    assert.deepEqual(await service.games(id), { active: [], upcoming: [] });
    assert.equal(requests.count('list_games_for_source'), reads, 'a new source has no games to read');
  });

  it('does not read the games of a source that left the list (closed elsewhere) on refresh', async () => {
    const client = await pool.connected('demo', 'demo');
    const other = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    const id = service.list()[0].info.id;
    await service.games(id);
    await other.closeGameSource(id);
    const reads = requests.count('list_games_for_source');
    await service.refresh();
    assert.equal(service.get(id), undefined);
    assert.equal(requests.count('list_games_for_source'), reads, 'no games read for a source no longer listed');
  });

  it('reads the games of a source not listed yet, and rejects with the server refusal for one that is not the user\'s', async () => {
    const client = await pool.connected('demo', 'demo');
    const other = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    const later = await other.openGameSource('opened-after-the-read.example');
    assert.deepEqual(await service.loadGames(later), { active: [], upcoming: [] });
    assert.equal(service.get(later), undefined, 'not added to the list: the next read does that');
    await assert.rejects(service.loadGames('no-such-source'), (err: unknown) => err instanceof ServerError && /administered by you/.test(err.message));
  });

  it('announces nothing after dispose', async () => {
    const client = await pool.connected('demo', 'demo');
    await service.attach(client, OWNER);
    let changes = 0;
    service.onDidChange(() => changes++);
    service.dispose();
    service.detach();
    service.clear();
    assert.equal(changes, 0);
  });
});
