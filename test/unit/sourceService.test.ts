// SourceService against the real emulator through the real client: listing,
// games, open, close, broadcasts, reconnects and the cache.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { ServerError } from '../../src/protocol/errors';
import type { InstamrktClient } from '../../src/protocol/client';
import { CachedSources, SourceService, SourcesCache } from '../../src/sources/sourceService';
import { ClientPool, Emulator } from './support/emulatorClients';
import { RequestLog } from './support/requestLog';
import { nextEvent, waitFor } from './support/wait';
import { MemoryCache, OWNER } from './support/memoryCache';


/** A cache whose reads work and whose every save is refused (a full disk, a storage service that gave up). */
class RefusingCache implements SourcesCache {
  value: CachedSources | undefined;
  refusals = 0;
  load(): CachedSources | undefined {
    return this.value;
  }
  async save(): Promise<void> {
    this.refusals++;
    throw new Error('the disk is full');
  }
}

describe('SourceService', () => {
  let emulator: Emulator;
  let pool: ClientPool;
  let client: InstamrktClient;
  let cache: MemoryCache;
  let service: SourceService;
  let requests: RequestLog;

  beforeEach(async () => {
    requests = new RequestLog();
    emulator = await startEmulator({ port: 0, seed: 'demo', log: requests.log });
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
    await service.attach(client, OWNER);
    assert.equal(service.state.kind, 'live');
    const names = service.list().map((e) => e.info.name);
    assert.deepEqual(names, ['demo.instamrkt.local']);
    assert.ok(service.list()[0].info.description.length > 0, 'the description comes from the server');
    assert.ok(cache.value);
    assert.deepEqual(Object.keys(cache.value.sources[0]).sort(), ['id', 'name']);
  });

  it('writes the cache only when ids or names change', async () => {
    await service.attach(client, OWNER);
    assert.equal(cache.saves, 1);
    await service.refresh();
    await service.refresh();
    assert.equal(cache.saves, 1, 'an unchanged list is not written again');
    await service.open('cached.example');
    assert.equal(cache.saves, 2);
    assert.ok(cache.value?.sources.some((x) => x.name === 'cached.example'));
  });

  it('sorts by name, ignoring case and accents', async () => {
    await service.attach(client, OWNER);
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
    await service.attach(client, OWNER);
    const id = service.list()[0].info.id;
    const games = await service.games(id);
    assert.equal(games.active.length, 2);
    assert.equal(games.upcoming.length, 1);
    assert.ok(games.active.every((g) => g.status !== 'game_closed'));
  });

  it('opens a source and lists it; a server refusal keeps the list as it was', async () => {
    await service.attach(client, OWNER);
    const id = await service.open('new.example.com', 'A description');
    assert.equal(service.get(id)?.info.name, 'new.example.com');
    await service.refresh();
    assert.equal(service.get(id)?.info.description, 'A description');
    const before = service.list().length;
    await assert.rejects(service.open('x'.repeat(300)), ServerError);
    assert.equal(service.list().length, before);
  });

  it('closes a source: gone from the list and the cache, and its games are closed on the server', async () => {
    await service.attach(client, OWNER);
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
    await service.attach(client, OWNER);
    const id = service.list()[0].info.id;
    const result = await service.close(['no-such-source', id]);
    assert.deepEqual(result.closed, [id]);
    assert.equal(result.failed.length, 1);
    assert.equal(result.failed[0].id, 'no-such-source');
    assert.ok(result.failed[0].error instanceof ServerError);
  });

  it('removes a game closed elsewhere when its 341 broadcast arrives', async () => {
    await service.attach(client, OWNER);
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
    await service.attach(client, OWNER);
    service.detach();
    assert.equal(service.state.kind, 'stale');
    assert.equal(service.list().length, 1, 'the last known list stays');
    await service.attach(client, OWNER);
    assert.equal(service.state.kind, 'live');
  });

  it('shows the cache as stale before the server answers, then the server replaces it', async () => {
    cache.value = { savedAt: 1_700_000_000_000, sources: [{ id: 'gone', name: 'old.example' }] };
    service.showCached(OWNER);
    assert.deepEqual(service.state, { kind: 'stale', since: 1_700_000_000_000 });
    assert.deepEqual(service.list().map((e) => e.info.id), ['gone']);
    await service.attach(client, OWNER);
    assert.equal(service.state.kind, 'live');
    assert.equal(service.get('gone'), undefined);
  });

  it('re-reads the list after the connection drops mid-close, without re-sending the close', async () => {
    const reconnecting = await pool.connected('demo', 'demo', { reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
    await service.attach(reconnecting, OWNER);
    const id = service.list()[0].info.id;
    // The server closes the source, but its reply is held: the drop comes before the client learns the outcome.
    emulator.setFaults({ replyDelays: { close_game_source: 60_000 } });
    const closing = service.close([id]);
    await waitFor(() => requests.count('close_game_source') === 1, 'the close to reach the server');
    emulator.setFaults({});
    const reconnected = nextEvent(reconnecting.onDidChangeState, (e) => e.state === 'connected', 'reconnection');
    emulator.dropConnections();
    const result = await closing;
    assert.deepEqual(result.closed, [], 'the outcome is unknown to the client: not reported as closed');
    assert.deepEqual(
      result.failed.map((f) => f.id),
      [id],
    );
    assert.ok(service.get(id), 'the source stays until the server says otherwise');
    await reconnected;
    await service.attach(reconnecting, OWNER);
    assert.equal(service.get(id), undefined, 'the re-read shows the server closed it');
    assert.deepEqual(
      service.list().map((e) => e.info.id),
      (await reconnecting.listGameSources()).map((s) => s.id),
      'after re-reading, the model is exactly what the server has',
    );
    assert.equal(requests.count('close_game_source'), 1, 'the server received the close once: it was not re-sent');
  });

  it('clear() forgets the list shown but not the saved one (a sign-out removes those through the cache), and the next read is saved again', async () => {
    await service.attach(client, OWNER);
    await waitFor(() => cache.saves === 1, 'the list to be saved');
    const saved = cache.value;
    service.clear();
    assert.equal(service.list().length, 0);
    assert.equal(service.state.kind, 'empty');
    assert.equal(cache.value, saved, 'the saved list stays, under its owner');
    cache.lists.clear(); // as a sign-out's clearAll() leaves it
    await service.attach(client, OWNER);
    await waitFor(() => cache.saves === 2, 'the same list to be saved again: the saver forgot what it had written');
    assert.deepEqual(cache.value?.sources, saved?.sources);
  });

  describe('when the cache cannot be written (a local failure never rewrites the server\'s outcome)', () => {
    let refusing: RefusingCache;
    let local: SourceService;
    let reported: { context: string; error: unknown }[];

    beforeEach(async () => {
      refusing = new RefusingCache();
      reported = [];
      local = new SourceService(refusing, (context, error) => reported.push({ context, error }));
      await local.attach(client, OWNER);
    });

    afterEach(() => local.dispose());

    it('open resolves with the id the server gave, and the source is on the server once', async () => {
      const failures: unknown[] = [];
      local.onDidFailToSave((err) => failures.push(err));
      const id = await local.open('refused-cache.example');
      await waitFor(() => refusing.refusals > 1, 'the save after the open to be attempted');
      assert.ok(reported.some((r) => r.context === 'cache'), 'each refused save is reported through onError');
      assert.equal(local.get(id)?.info.name, 'refused-cache.example');
      const other = await pool.connected('demo', 'demo');
      assert.deepEqual(
        (await other.listGameSources()).filter((s) => s.name === 'refused-cache.example').map((s) => s.id),
        [id],
      );
      // attach() already failed to save: the run of failures was told once, at its start.
      assert.equal(failures.length, 0, 'a run of failures is told once, not at every save');
    });

    it('tells the first failure of a run through onDidFailToSave, and again after a save worked', async () => {
      const cache = new MemoryCache();
      let refuse = true;
      const flaky: SourcesCache = { load: (owner) => cache.load(owner), save: (owner, v) => (refuse ? Promise.reject(new Error('the disk is full')) : cache.save(owner, v)) };
      const failures: unknown[] = [];
      const svc = new SourceService(flaky);
      svc.onDidFailToSave((err) => failures.push(err));
      try {
        await svc.attach(client, OWNER);
        await waitFor(() => failures.length === 1, 'the first failure to be told');
        await svc.open('flaky-1.example');
        await svc.refresh();
        assert.equal(failures.length, 1, 'later failures of the same run are not told again');
        refuse = false;
        await svc.open('flaky-2.example');
        await waitFor(() => cache.value?.sources.some((s) => s.name === 'flaky-2.example') === true, 'the save to work again');
        assert.ok(cache.value?.sources.some((s) => s.name === 'flaky-1.example'), 'what failed to save before is saved now');
        refuse = true;
        await svc.open('flaky-3.example');
        await waitFor(() => failures.length === 2, 'a new run of failures to be told');
      } finally {
        svc.dispose();
      }
    });

    it('a reporter that throws (a failing logger) does not turn an open into a failure', async () => {
      const svc = new SourceService(refusing, () => {
        throw new Error('the log is gone');
      });
      try {
        await svc.attach(client, OWNER);
        const id = await svc.open('logger-fails.example');
        assert.equal(svc.get(id)?.info.name, 'logger-fails.example');
      } finally {
        svc.dispose();
      }
    });

    it('close reports the source closed, not failed', async () => {
      const id = local.list()[0].info.id;
      const refusalsBefore = refusing.refusals;
      const result = await local.close([id]);
      await waitFor(() => refusing.refusals > refusalsBefore, 'the save after the close to be attempted');
      assert.deepEqual(result, { closed: [id], failed: [] });
    });

    it('a close that closed nothing does not try to save the list', async () => {
      const refusalsBefore = refusing.refusals;
      const result = await local.close(['no-such-source']);
      assert.equal(result.failed.length, 1);
      assert.equal(refusing.refusals, refusalsBefore, 'no save was attempted');
    });

    it('clear (sign-out) forgets the list even when the cache cannot be cleared', async () => {
      local.clear();
      assert.equal(local.list().length, 0);
      assert.equal(local.state.kind, 'empty');
    });
  });
});
