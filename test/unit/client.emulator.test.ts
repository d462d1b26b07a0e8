// InstamrktClient against the local emulator, over real sockets on 127.0.0.1:
// every typed call, error routing, correlation under load and broadcasts,
// dropped connections and the handshake refusal.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { InstamrktClient } from '../../src/protocol/client';
import { AuthenticationError, ConnectionLostError, InvalidArgumentError, ServerError } from '../../src/protocol/errors';
import { ServerMessage } from '../../src/protocol/messages';
import { ClientPool, Emulator } from './support/emulatorClients';
import { nextEvent, waitFor } from './support/wait';
import { resCodes, startWireTap } from './support/wireTap';

const NO_SUCH_SOURCE = '00000000-0000-4000-8000-000000000000';

describe('InstamrktClient ⇄ emulator', () => {
  let emulator: Emulator;
  const pool = new ClientPool(() => emulator);

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
  });

  afterEach(async () => {
    pool.disposeAll();
    await emulator.close();
  });

  async function demoSource(client: InstamrktClient): Promise<string> {
    const sources = await client.listGameSources();
    const demo = sources.find((s) => s.name === 'demo.instamrkt.local');
    assert.ok(demo, 'the demo seed has its source');
    return demo.id;
  }

  describe('typed calls', () => {
    it('ping measures a round trip; get_opcodes returns the server tables', async () => {
      const demo = await pool.connected('demo', 'demo');
      const rtt = await demo.ping();
      assert.ok(rtt >= 0 && rtt < 5000);
      assert.equal(demo.latencyMs, rtt);
      const tables = await demo.getOpcodes();
      assert.equal(tables.opcodes.open_game_source, 365);
      assert.equal(tables.response_codes.game_sources_i_am_admin_of_list, 621);
    });

    it('lists the demo source, its two active games and its upcoming game', async () => {
      const demo = await pool.connected('demo', 'demo');
      const sources = await demo.listGameSources();
      assert.deepEqual(sources.map((s) => s.name), ['demo.instamrkt.local']);
      const id = sources[0].id;
      const active = await demo.listGamesForSource(id);
      assert.deepEqual(active.map((g) => g.name).sort(), ['Chess blitz: round 3', 'Cup final: Argentina vs Brazil']);
      for (const g of active) assert.ok(['pre_game_betting_active', 'game_in_progress_betting_active'].includes(g.status), g.status);
      const upcoming = await demo.listUpcomingGamesForSource(id);
      assert.deepEqual(upcoming.map((g) => [g.game_name, g.source_id]), [['Tennis: semi-final', id]]);
      const mine = await demo.listGamesIAmAdminOf();
      assert.equal(mine.length, 3);
    });

    it('opens a source, hosts a game and a pool in it, joins and closes the game, then closes the source', async () => {
      const demo = await pool.connected('demo', 'demo');
      const sourceId = await demo.openGameSource('  mine.example  ', 'My games');
      assert.match(sourceId, /\S/);
      assert.ok((await demo.listGameSources()).some((s) => s.id === sourceId && s.name === 'mine.example' && s.description === 'My games'));

      const game = await demo.createAndOpenGame({ source_id: sourceId, game_name: 'Match', type: 'football', actions: ['Goal'], targets: ['Home', 'Away', 'Home:1'] });
      assert.equal(game.source_id, sourceId);
      assert.equal(game.game_name, 'Match');
      assert.deepEqual(game.actions.map((a) => a.name), ['Goal']);
      assert.ok(game.targets.some((t) => t.symbol === 'Home' && t.targets.some((c) => c.symbol === '1')));

      const poolReply = await demo.createAndOpenBettingPool({
        game_id: game.game_id,
        description: 'Next goal',
        action_id: game.actions[0].action_id,
        targets: game.targets.filter((t) => t.symbol !== 'none').map((t) => t.target_id),
        type: 2,
      });
      assert.equal(poolReply.game_id, game.game_id);
      assert.match(poolReply.pool_id, /\S/);

      await demo.joinGame(game.game_id);
      assert.ok((await demo.listGamesForSource(sourceId)).some((g) => g.game_id === game.game_id));

      const other = await demo.createAndOpenGame({ source_id: sourceId, game_name: 'No pools', type: 'chess', actions: ['Mate'], targets: ['White', 'Black'] });
      await demo.closeGame(other.game_id);
      assert.ok(!(await demo.listGamesForSource(sourceId)).some((g) => g.game_id === other.game_id));

      await demo.closeGameSource(sourceId);
      assert.ok(!(await demo.listGameSources()).some((s) => s.id === sourceId));
    });

    it('rejects with the server text what the server refuses', async () => {
      const player = await pool.connected('player', 'player');
      await assert.rejects(player.openGameSource('nope.example'), (e: unknown) => e instanceof ServerError && e.text === 'You are not authorized to open a game source.');
      const demo = await pool.connected('demo', 'demo');
      await assert.rejects(demo.closeGameSource(NO_SUCH_SOURCE), (e: unknown) => e instanceof ServerError && e.text.includes(NO_SUCH_SOURCE));
      // What the client would refuse itself, sent raw: the server refuses it too, with its own text.
      await assert.rejects(demo.request('open_game_source', { source_name: 'long.example', description: 'x'.repeat(513) }, ['game_source_opened']), ServerError);
      assert.throws(() => demo.openGameSource('long.example', 'x'.repeat(513)), InvalidArgumentError);
      assert.equal(demo.state, 'connected');
    });
  });

  describe('correlation', () => {
    it('routes a 666 to the failed request only, in a pipeline', async () => {
      const demo = await pool.connected('demo', 'demo');
      const id = await demoSource(demo);
      const results = await Promise.allSettled([
        demo.listGameSources(),
        demo.closeGameSource(NO_SUCH_SOURCE),
        demo.listGamesForSource(id),
        demo.openGameSource('after-the-error.example'),
        demo.listUpcomingGamesForSource(id),
      ]);
      assert.deepEqual(results.map((r) => r.status), ['fulfilled', 'rejected', 'fulfilled', 'fulfilled', 'fulfilled']);
      const failed = results[1] as PromiseRejectedResult;
      assert.ok(failed.reason instanceof ServerError && failed.reason.text.includes(NO_SUCH_SOURCE));
      assert.equal((results[2] as PromiseFulfilledResult<unknown[]>).value.length, 2);
      assert.equal((results[4] as PromiseFulfilledResult<unknown[]>).value.length, 1);
    });

    it('matches 1,000 pipelined opens each to its own reply', async () => {
      const demo = await pool.connected('demo', 'demo');
      const names = Array.from({ length: 1000 }, (_, i) => `bulk-${i}.example`);
      const ids = await Promise.all(names.map((n) => demo.openGameSource(n, `number ${n}`)));
      assert.equal(new Set(ids).size, 1000);
      const listed = new Map((await demo.listGameSources()).map((s) => [s.name, s.id]));
      names.forEach((n, i) => assert.equal(listed.get(n), ids[i], `${n} got another source's id`));
      assert.equal(demo.pendingCount, 0);
    });

    it('matches 1,000 pipelined list calls for different sources by their echoed source_id', async () => {
      const demo = await pool.connected('demo', 'demo');
      const sources = await Promise.all(Array.from({ length: 5 }, (_, i) => demo.openGameSource(`echo-${i}.example`)));
      await Promise.all(sources.map((s, i) => demo.createAndOpenGame({ source_id: s, game_name: `game of ${i}`, type: 't', actions: ['a'], targets: ['x'] })));
      const calls = Array.from({ length: 1000 }, (_, i) => i % 5);
      const replies = await Promise.all(calls.map((i) => demo.listGamesForSource(sources[i])));
      replies.forEach((games, k) => assert.deepEqual(games.map((g) => g.name), [`game of ${calls[k]}`]));
    });

    it('keeps requests matched while another user’s broadcasts interleave', async () => {
      const admin = await pool.connected('demo', 'demo');
      const watcher = await pool.connected('demo', 'demo');
      const sourceId = await admin.openGameSource('broadcasts.example');
      const games = await Promise.all(
        Array.from({ length: 23 }, (_, i) => admin.createAndOpenGame({ source_id: sourceId, game_name: `g${i}`, type: 't', actions: ['a'], targets: ['x', 'y'] })),
      );
      const broadcastGames = games.slice(0, 3).map((g) => g.game_id);
      const ownGames = games.slice(3).map((g) => g.game_id);
      // The watcher subscribes to three games that the admin then closes; it closes the other twenty itself.
      for (const g of broadcastGames) await watcher.joinGame(g);
      const events: ServerMessage[] = [];
      let pendingAtBroadcast = 0;
      watcher.onEvent((e) => {
        events.push(e);
        if (e.name === 'game_closed') pendingAtBroadcast = Math.max(pendingAtBroadcast, watcher.pendingCount);
      });

      // Twenty lanes keep the watcher's requests (its own closes among them: 341 is their reply) in flight until every broadcast is in.
      let stop = false;
      const toClose = [...ownGames];
      const lane = async (): Promise<void> => {
        for (let i = 0; !stop || toClose.length > 0; i++) {
          const own = toClose.length > 0 && i % 3 === 0 ? toClose.shift() : undefined;
          if (own !== undefined) await watcher.closeGame(own);
          else if (i % 2 === 0) assert.deepEqual((await watcher.listGamesForSource(sourceId)).every((g) => g.game_id !== undefined), true);
          else await watcher.ping();
        }
      };
      const lanes = Promise.all(Array.from({ length: 20 }, lane));
      const adminCloses = Promise.all(broadcastGames.map((g) => admin.closeGame(g)));
      try {
        await waitFor(() => events.filter((e) => e.name === 'game_closed').length >= 3, 'three 341 broadcasts');
      } finally {
        stop = true;
      }
      await Promise.all([lanes, adminCloses]);

      // The broadcasts reached the watcher as events only; each of its own closes took its own 341 (none leaked out as an event).
      const closedEvents = events.filter((e) => e.name === 'game_closed').map((e) => (e.body as { game_id: string }).game_id).sort();
      assert.deepEqual(closedEvents, [...broadcastGames].sort());
      assert.ok(pendingAtBroadcast > 0, 'at least one broadcast arrived while the watcher had requests in flight');
      assert.equal(toClose.length, 0);
      assert.equal(watcher.pendingCount, 0);
      assert.deepEqual(await admin.listGamesForSource(sourceId), []);
    });

    it('shows the close cascade to a second user as events: the pools resolved and a 341 per joined game', async () => {
      const admin = await pool.connected('demo', 'demo');
      const player = await pool.connected('player', 'player');
      const sourceId = await demoSource(admin);
      const active = await admin.listGamesForSource(sourceId);
      // The admin watches the first game: the player's join reaches it as a 470 broadcast.
      await admin.joinGame(active[0].game_id);
      const joined = nextEvent(admin.onEvent, (e) => e.name === 'user_joined_game', 'the 470 broadcast');
      for (const g of active) await player.joinGame(g.game_id);
      const join = await joined;
      assert.deepEqual(join.body, { game_id: active[0].game_id, user_id: '1002' });
      const events: ServerMessage[] = [];
      player.onEvent((e) => events.push(e));
      const adminEvents: ServerMessage[] = [];
      admin.onEvent((e) => adminEvents.push(e));
      await admin.closeGameSource(sourceId);
      // On the admin's own connection the cascade comes before the 336 reply: already delivered as events, not taken as the reply.
      assert.ok(adminEvents.some((e) => e.name === 'game_closed' && (e.body as { game_id: string }).game_id === active[0].game_id));
      await waitFor(() => events.filter((e) => e.name === 'game_closed').length === active.length, 'a 341 per joined game');
      const resolutions = events.filter((e) => e.name === 'bet_pool_resolved' || e.name === 'bet_pool_expired');
      assert.equal(resolutions.length, 2, 'the demo final has two pools');
      for (const e of resolutions) assert.equal((e.body as { game_id: string }).game_id, active.find((g) => g.name.startsWith('Cup final'))?.game_id);
      assert.deepEqual(await admin.listGameSources(), []);
    });
  });

  describe('lost connections', () => {
    it('rejects pending requests at once when the server drops, re-sends nothing, reconnects and re-reads', async () => {
      const demo = await pool.connected('demo', 'demo', { reconnect: { initialDelayMs: 20, maxDelayMs: 20 } });
      const seen: string[] = [];
      demo.onDidChangeState((e) => seen.push(`${e.state}${e.reconnected ? '+reconnected' : ''}`));
      const back = nextEvent(demo.onDidReconnect, () => true, 'the reconnect');
      const lists = Array.from({ length: 50 }, () => demo.listGameSources());
      const open = demo.openGameSource('dropped.example');
      const droppedAt = Date.now();
      emulator.dropConnections();
      const outcome = await Promise.allSettled([open, ...lists]);
      assert.ok(Date.now() - droppedAt < 2000, 'rejected at once, not after the request timeout');
      const first = outcome[0];
      assert.ok(first.status === 'rejected' && first.reason instanceof ConnectionLostError, 'the open has an unknown outcome');
      assert.ok(outcome.every((r) => r.status === 'rejected' && r.reason instanceof ConnectionLostError));
      await back;
      assert.equal(demo.state, 'connected');
      assert.deepEqual(seen.slice(-3), ['disconnected', 'connecting', 'connected+reconnected']);
      const afterwards = await demo.listGameSources();
      const count = afterwards.filter((s) => s.name === 'dropped.example').length;
      assert.ok(count <= 1, `opened ${count} times`);
      // A later round trip sees the same: nothing was sent again behind our back.
      await demo.ping();
      assert.equal((await demo.listGameSources()).filter((s) => s.name === 'dropped.example').length, count);
      assert.equal(emulator.connectionCount(), 1);
    });

    it('refuses a wrong session key at the handshake (HTTP 401) with AuthenticationError and does not loop', async () => {
      const client = pool.add(
        new InstamrktClient({
          serverUrl: emulator.wsUrl,
          credentials: async () => ({ userId: '1001', sessionKey: 'not-the-key' }),
          keepAliveMs: 0,
          reconnect: { initialDelayMs: 1, maxDelayMs: 1 },
        }),
      );
      await assert.rejects(client.connect(), (e: unknown) => e instanceof AuthenticationError && /401/.test(e.message));
      assert.equal(client.state, 'disconnected');
      assert.equal(client.nextRetryAt, undefined);
      assert.equal(emulator.connectionCount(), 0);
    });

    it('logs on again with 112 after a reconnect within 15 minutes', async () => {
      // The server's frames as they crossed the wire, by connection: the client's own view of the logon is not published.
      const tap = await startWireTap(emulator.port);
      try {
        const demo = await pool.connected('demo', 'demo', { serverUrl: tap.wsUrl, reconnect: { initialDelayMs: 5, maxDelayMs: 5 } });
        const back = nextEvent(demo.onDidReconnect);
        emulator.dropConnections();
        await back;
        assert.equal(demo.state, 'connected');
        assert.equal((await demo.listGameSources()).length, 1);
        assert.equal(tap.fromServer.length, 2);
        // First connection: logon answered 100, then the code table (2); after the reconnect the logon is answered 112.
        assert.deepEqual(resCodes(tap.fromServer[0]).slice(0, 2), [100, 2]);
        assert.deepEqual(resCodes(tap.fromServer[1]), [112, 2, 621]);
      } finally {
        await tap.close();
      }
    });
  });
});
