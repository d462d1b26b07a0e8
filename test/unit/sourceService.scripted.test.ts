// SourceService with what a real server may send and the emulator never does:
// a 336 "source closed" broadcast for a source closed elsewhere, a closed game
// in a 345 list, a join_game or a games read refused with 666. The server is
// the scripted one (support/scriptedServer.ts), the client the real one, over
// real sockets; what the client sent is read from the server's record.
import * as assert from 'node:assert/strict';
import { DEFAULT_OPS as OP, DEFAULT_RESPONSES as R } from '../../src/protocol/codes';
import { InstamrktClient } from '../../src/protocol/client';
import { SourceService, type SourcesChange } from '../../src/sources/sourceService';
import { send, startScriptedServer, type ScriptedServer } from './support/scriptedServer';
import { nextEvent, waitFor } from './support/wait';
import { MemoryCache, OWNER } from './support/memoryCache';


let SOURCES = [
  { id: 's-alpha', name: 'alpha.example', description: 'A' },
  { id: 's-beta', name: 'beta.example', description: 'B' },
];

describe('SourceService: what a real server may send (scripted server)', () => {
  let server: ScriptedServer;
  let client: InstamrktClient;
  let cache: MemoryCache;
  let reported: { context: string; error: unknown }[];
  let service: SourceService;
  /** What 380 answers for each source: a games list, or a 666 text. */
  let games: Record<string, unknown[] | { refuse: string }>;
  /** Game ids whose join_game the server refuses with 666. */
  let refuseJoin: Set<string>;

  beforeEach(async () => {
    SOURCES = [
      { id: 's-alpha', name: 'alpha.example', description: 'A' },
      { id: 's-beta', name: 'beta.example', description: 'B' },
    ];
    games = {};
    refuseJoin = new Set();
    server = await startScriptedServer();
    server.handler = (r, s) => {
      const body = r.body;
      switch (r.op) {
        case OP.list_game_sources_i_am_admin_of:
          send(s, R.game_sources_i_am_admin_of_list, { sources: SOURCES });
          return true;
        case OP.list_games_for_source: {
          const answer = games[String(body.source_id)] ?? [];
          if (Array.isArray(answer)) send(s, R.games_for_source_list, { source_id: body.source_id, games: answer });
          else send(s, R.error, { text: answer.refuse });
          return true;
        }
        case OP.list_upcoming_games_for_source:
          send(s, R.upcoming_games_for_source_list, { source_id: body.source_id, games: [] });
          return true;
        case OP.join_game:
          if (refuseJoin.has(String(body.game_id))) send(s, R.error, { text: 'Game is closed.' });
          else send(s, R.game_joined, { game_id: body.game_id });
          return true;
      }
      return false;
    };
    client = new InstamrktClient({ serverUrl: server.wsUrl, credentials: async () => ({ userId: '1001', sessionKey: 'k'.repeat(32) }), reconnect: false, keepAliveMs: 0 });
    await client.connect();
    cache = new MemoryCache();
    reported = [];
    service = new SourceService(cache, (context, error) => reported.push({ context, error }));
    client.onEvent((m) => service.handleEvent(m));
  });

  afterEach(async () => {
    service.dispose();
    client.dispose();
    await server.close();
  });

  const joinsSent = (): string[] => server.received.filter((r) => r.op === OP.join_game).map((r) => String(r.body.game_id));

  it('removes a source closed elsewhere when its 336 arrives, announces it and saves the list without it; a 336 for an unknown source changes nothing', async () => {
    await service.attach(client, OWNER);
    await waitFor(() => cache.value?.sources.length === 2, 'the list to be saved');
    assert.deepEqual(
      service.list().map((e) => e.info.id),
      ['s-alpha', 's-beta'],
    );
    const changes: SourcesChange[] = [];
    service.onDidChange((e) => changes.push(e));
    const socket = server.connections.get(1);
    assert.ok(socket);
    // Frames arrive in order: those changing nothing are handled before the one awaited.
    send(socket, R.game_source_opened, { source_id: 's-beta' });
    send(socket, R.game_source_closed, { source_id: 's-unknown' });
    const removed = nextEvent(service.onDidChange, () => true, 'the 336 to be applied');
    send(socket, R.game_source_closed, { source_id: 's-alpha' });
    assert.deepEqual(await removed, {});
    assert.equal(changes.length, 1, 'the unknown source, and a 335 naming a listed one, announced nothing');
    assert.ok(service.get('s-beta'), 'a 335 removes nothing');
    assert.equal(service.get('s-alpha'), undefined);
    assert.deepEqual(
      service.list().map((e) => e.info.id),
      ['s-beta'],
      'the sorted list no longer has it',
    );
    await waitFor(() => cache.value?.sources.length === 1, 'the list without it to be saved');
    assert.deepEqual(cache.value?.sources, [{ id: 's-beta', name: 'beta.example' }]);
  });

  it('leaves out a game the server lists as closed, and joins only the games shown', async () => {
    games['s-alpha'] = [
      { game_id: 'g-open', status: 'game_open', name: 'Open' },
      { game_id: 'g-closed', status: 'game_closed', name: 'Closed' },
    ];
    await service.attach(client, OWNER);
    const read = await service.games('s-alpha');
    assert.deepEqual(
      read.active.map((g) => g.game_id),
      ['g-open'],
    );
    assert.deepEqual(
      service.get('s-alpha')?.games?.active.map((g) => g.game_id),
      ['g-open'],
    );
    await waitFor(() => joinsSent().length > 0, 'the join to be sent');
    await client.listGameSources(); // FIFO: any other join would have been sent before this request
    assert.deepEqual(joinsSent(), ['g-open']);
  });

  it('reports a join the server refuses through onError, naming the game, and still shows the games', async () => {
    games['s-alpha'] = [
      { game_id: 'g-1', status: 'game_open' },
      { game_id: 'g-2', status: 'game_open' },
    ];
    refuseJoin.add('g-1');
    await service.attach(client, OWNER);
    const read = await service.loadGames('s-alpha');
    assert.equal(read.active.length, 2);
    await waitFor(() => reported.length > 0, 'the refused join to be reported');
    await client.listGameSources();
    assert.deepEqual(
      reported.map((r) => r.context),
      ['join_game g-1'],
    );
    assert.match(String((reported[0].error as Error).message), /Game is closed/);
    assert.equal(service.get('s-alpha')?.games?.active.length, 2);
  });

  it('shows why the games of a source could not be read, and a refresh reads them again', async () => {
    games['s-alpha'] = { refuse: 'Games are unavailable.' };
    await service.attach(client, OWNER);
    const changed = nextEvent(service.onDidChange, (e) => e.sourceId === 's-alpha', 'the source to change');
    await assert.rejects(service.loadGames('s-alpha'), /Games are unavailable/);
    await changed;
    assert.match(service.get('s-alpha')?.gamesError ?? '', /Games are unavailable/);
    assert.equal(service.get('s-alpha')?.games, undefined);
    assert.equal(service.get('s-beta')?.gamesError, undefined, 'only that source');
    games['s-alpha'] = [{ game_id: 'g-1', status: 'game_open' }];
    await service.refresh();
    assert.equal(service.get('s-alpha')?.gamesError, undefined, 'the error is gone once read');
    assert.deepEqual(
      service.get('s-alpha')?.games?.active.map((g) => g.game_id),
      ['g-1'],
    );
    assert.equal(service.get('s-beta')?.games, undefined, 'a source never expanded is still not read');
    // A refresh whose games read fails still succeeds: the list is read; that source says why.
    games['s-alpha'] = { refuse: 'Games are unavailable again.' };
    await service.refresh();
    assert.deepEqual(service.state, { kind: 'live' });
    assert.match(service.get('s-alpha')?.gamesError ?? '', /unavailable again/);
    // Reading that source's games again clears the error.
    games['s-alpha'] = [{ game_id: 'g-2', status: 'game_open' }];
    await service.loadGames('s-alpha');
    assert.equal(service.get('s-alpha')?.gamesError, undefined);
    assert.deepEqual(
      service.get('s-alpha')?.games?.active.map((g) => g.game_id),
      ['g-2'],
    );
  });

  it('applies a 341 only to the source holding that game, and announces nothing for a game it does not show', async () => {
    games['s-beta'] = [
      { game_id: 'g-1', status: 'game_open' },
      { game_id: 'g-2', status: 'game_open' },
    ];
    await service.attach(client, OWNER);
    await service.loadGames('s-beta');
    const changes: SourcesChange[] = [];
    service.onDidChange((e) => changes.push(e));
    const socket = server.connections.get(1);
    assert.ok(socket);
    send(socket, R.game_closed, { game_id: 'g-unknown' });
    const applied = nextEvent(service.onDidChange, () => true, 'the 341 to be applied');
    send(socket, R.game_closed, { game_id: 'g-1' });
    assert.deepEqual(await applied, { sourceId: 's-beta' });
    assert.deepEqual(changes, [{ sourceId: 's-beta' }], 'one change, for the source that held the game');
    assert.deepEqual(
      service.get('s-beta')?.games?.active.map((g) => g.game_id),
      ['g-2'],
    );
    assert.equal(service.get('s-alpha')?.games, undefined, 'a source whose games were never read (listed before it) is left alone');
  });

  it('sorts by name ignoring case and accents (a lower-case key), then by id', async () => {
    SOURCES = [
      { id: 'z-twin', name: 'twin.example', description: '' },
      { id: 'b', name: 'b.example', description: '' },
      { id: 'a-twin', name: 'Twin.example', description: '' },
      { id: 'under', name: '_x.example', description: '' },
      { id: 'emilf', name: 'emilf.example', description: '' },
      { id: 'emile', name: 'Émile.example', description: '' },
    ];
    await service.attach(client, OWNER);
    assert.deepEqual(
      service.list().map((e) => e.info.id),
      // '_' sorts after upper-case letters and before lower-case ones: the key is lower-case.
      ['under', 'b', 'emile', 'emilf', 'a-twin', 'z-twin'],
    );
  });

  it('reports a refresh after an open that fails, and the open still resolves with the new id', async () => {
    server.handler = ((previous) => (r, s) => {
      if (r.op === OP.open_game_source) {
        send(s, R.game_source_opened, { source_id: 's-new' });
        return true;
      }
      if (r.op === OP.list_game_sources_i_am_admin_of && server.received.some((x) => x.op === OP.open_game_source)) {
        send(s, R.error, { text: 'The list is unavailable.' });
        return true;
      }
      return previous(r, s);
    })(server.handler);
    await service.attach(client, OWNER);
    assert.equal(await service.open('new.example'), 's-new');
    await waitFor(() => reported.length > 0, 'the failed refresh to be reported');
    assert.equal(reported[0].context, 'refresh after open');
    assert.match(String((reported[0].error as Error).message), /The list is unavailable/);
    assert.equal(service.get('s-new')?.info.name, 'new.example');
  });
});
