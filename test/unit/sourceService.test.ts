// SourceService against the real emulator through the real client: listing,
// games, open, close, broadcasts, reconnects and the cache.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { ServerError } from '../../src/protocol/errors';
import type { InstamrktClient } from '../../src/protocol/client';
import { CachedSources, SourceService, SourcesCache } from '../../src/sources/sourceService';
import { ClientPool, Emulator } from './support/emulatorClients';
import { nextEvent } from './support/wait';

class MemoryCache implements SourcesCache {
  value: CachedSources | undefined;
  saves = 0;
  load(): CachedSources | undefined {
    return this.value;
  }
  async save(value: CachedSources | undefined): Promise<void> {
    this.saves++;
    this.value = value;
  }
}

describe('SourceService', () => {
  let emulator: Emulator;
  let pool: ClientPool;
  let client: InstamrktClient;
  let cache: MemoryCache;
  let service: SourceService;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    pool = new ClientPool(() => emulator);
    client = await pool.connected('demo', 'demo');
    cache = new MemoryCache();
    service = new SourceService(cache);
  });

  afterEach(async () => {
    service.dispose();
    pool.disposeAll();
    await emulator.close();
  });

  it('lists the seeded source live, and caches only ids and names', async () => {
    await service.attach(client);
    assert.equal(service.state.kind, 'live');
    const names = service.list().map((e) => e.info.name);
    assert.deepEqual(names, ['demo.instamrkt.local']);
    assert.ok(service.list()[0].info.description.length > 0, 'the description comes from the server');
    assert.ok(cache.value);
    assert.deepEqual(Object.keys(cache.value.sources[0]).sort(), ['id', 'name']);
  });

  it('writes the cache only when ids or names change', async () => {
    await service.attach(client);
    assert.equal(cache.saves, 1);
    await service.refresh();
    await service.refresh();
    assert.equal(cache.saves, 1, 'an unchanged list is not written again');
    await service.open('cached.example');
    assert.equal(cache.saves, 2);
    assert.ok(cache.value?.sources.some((x) => x.name === 'cached.example'));
  });

  it('sorts by name, ignoring case and accents', async () => {
    await service.attach(client);
    await service.open('zeta.example');
    await service.open('Alpha.example');
    await service.open('émile.example');
    await service.refresh();
    assert.deepEqual(
      service.list().map((e) => e.info.name),
      ['Alpha.example', 'demo.instamrkt.local', 'émile.example', 'zeta.example'],
    );
  });

  it('reads active and upcoming games of a source', async () => {
    await service.attach(client);
    const id = service.list()[0].info.id;
    const games = await service.games(id);
    assert.equal(games.active.length, 2);
    assert.equal(games.upcoming.length, 1);
    assert.ok(games.active.every((g) => g.status !== 'game_closed'));
  });

  it('opens a source and lists it; a server refusal keeps the list as it was', async () => {
    await service.attach(client);
    const id = await service.open('new.example.com', 'A description');
    assert.equal(service.get(id)?.info.name, 'new.example.com');
    await service.refresh();
    assert.equal(service.get(id)?.info.description, 'A description');
    const before = service.list().length;
    await assert.rejects(service.open('x'.repeat(300)), ServerError);
    assert.equal(service.list().length, before);
  });

  it('closes a source: gone from the list and the cache, and its games are closed on the server', async () => {
    await service.attach(client);
    const id = service.list()[0].info.id;
    const games = await service.games(id);
    const result = await service.close([id]);
    assert.deepEqual(result.closed, [id]);
    assert.equal(service.get(id), undefined);
    assert.equal(cache.value?.sources.length, 0);
    const other = await pool.connected('demo', 'demo');
    assert.deepEqual(await other.listGameSources(), []);
    assert.equal(games.active.length, 2, 'the source had two active games before');
    assert.deepEqual(await other.listGamesForSource(id), [], 'no active game remains under the closed source');
  });

  it('reports a close the server refuses and keeps that source', async () => {
    await service.attach(client);
    const id = service.list()[0].info.id;
    const result = await service.close(['no-such-source', id]);
    assert.deepEqual(result.closed, [id]);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0].id, 'no-such-source');
    assert.ok(result.failed[0].error instanceof ServerError);
  });

  it('removes a game closed elsewhere when its 341 broadcast arrives', async () => {
    await service.attach(client);
    client.onEvent((m) => service.handleEvent(m));
    const id = service.list()[0].info.id;
    const other = await pool.connected('demo', 'demo');
    const created = await other.createAndOpenGame({ source_id: id, game_name: 'Broadcast test', type: 'football', actions: ['goal'], targets: ['A', 'B'] });
    await service.loadGames(id);
    assert.ok(service.get(id)?.games?.active.some((g) => g.game_id === created.game_id));
    // loadGames subscribed with join_game; a later request on the same connection is answered after it (FIFO).
    await client.listGameSources();
    const changed = nextEvent(service.onDidChange, (e) => e.sourceId === id, 'the source to change');
    await other.closeGame(created.game_id);
    await changed;
    assert.ok(!service.get(id)?.games?.active.some((g) => g.game_id === created.game_id));
    assert.equal(service.get(id)?.games?.active.length, 2, 'the other games stay');
  });

  it('marks the list stale when detached and live again after re-attaching', async () => {
    await service.attach(client);
    service.detach();
    assert.equal(service.state.kind, 'stale');
    assert.equal(service.list().length, 1, 'the last known list stays');
    await service.attach(client);
    assert.equal(service.state.kind, 'live');
  });

  it('shows the cache as stale before the server answers, then the server replaces it', async () => {
    cache.value = { savedAt: 1_700_000_000_000, sources: [{ id: 'gone', name: 'old.example' }] };
    service.showCached();
    assert.deepEqual(service.state, { kind: 'stale', since: 1_700_000_000_000 });
    assert.deepEqual(service.list().map((e) => e.info.id), ['gone']);
    await service.attach(client);
    assert.equal(service.state.kind, 'live');
    assert.equal(service.get('gone'), undefined);
  });

  it('re-reads the list after the connection drops mid-close, without re-sending the close', async () => {
    const reconnecting = await pool.connected('demo', 'demo', { reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
    await service.attach(reconnecting);
    const id = service.list()[0].info.id;
    const closing = service.close([id]);
    emulator.dropConnections();
    const result = await closing;
    // Either the close reached the server before the drop, or the drop rejected it: outcome unknown to the client.
    assert.equal(result.closed.length + result.failed.length, 1);
    await nextEvent(reconnecting.onDidChangeState, (e) => e.state === 'connected', 'reconnection');
    await service.attach(reconnecting);
    const serverSays = (await reconnecting.listGameSources()).map((s) => s.id);
    assert.deepEqual(
      service.list().map((e) => e.info.id),
      serverSays,
      'after re-reading, the model is exactly what the server has',
    );
  });

  it('clear() forgets the list and the cache', async () => {
    await service.attach(client);
    await service.clear();
    assert.equal(service.list().length, 0);
    assert.equal(service.state.kind, 'empty');
    assert.equal(cache.value, undefined);
  });
});
