// Who may do what, and the close cascade of a game source as a second
// connected user sees it.
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../src/emulator/server';
import { Message, RawClient, login } from './support/rawClient';

describe('emulator authorization and close cascade', () => {
  let emu: Emulator;
  let demo: RawClient;
  let player: RawClient;
  let rival: RawClient;

  beforeEach(async () => {
    emu = await startEmulator({ port: 0, users: [{ username: 'rival', password: 'rival-pw', developer: true, id: 3001 }] });
    demo = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    player = await RawClient.connect(emu.wsUrl, await login(emu.url, 'player', 'player'));
    rival = await RawClient.connect(emu.wsUrl, await login(emu.url, 'rival', 'rival-pw'));
  });
  afterEach(async () => {
    await Promise.all([demo.close(), player.close(), rival.close()]);
    await emu.close();
  });

  describe('authorization', () => {
    it('a plain user cannot open a game source', async () => {
      const r = await player.request(365, { source_name: 'player.example' });
      assert.deepEqual({ res: r.res, text: r.text }, { res: 666, text: 'You are not authorized to open a game source.' });
      assert.deepEqual((await player.request(611)).sources, []);
    });

    it('a developer cannot close, list or host games in another developer\'s source', async () => {
      const opened = await rival.request(365, { source_name: 'rival.example' });
      const sourceId = opened.source_id as string;
      for (const [op, params] of [
        [366, { source_id: sourceId }],
        [380, { source_id: sourceId }],
        [3811, { source_id: sourceId }],
        [370, { source_id: sourceId, game_name: 'G', type: 1, actions: ['a'], targets: ['x'] }],
      ] as const) {
        const r = await demo.request(op, params);
        assert.equal(r.res, 666, `op ${op}`);
        assert.equal(r.text, `No game source "${sourceId}" administered by you.`);
      }
      // Still open for its admin.
      assert.ok(((await rival.request(611)).sources as { id: string }[]).some((s) => s.id === sourceId));
    });

    it('only a game\'s admin may close it or open pools in it; anyone may join it', async () => {
      const sourceId = (((await demo.request(611)).sources as { id: string }[])[0]).id;
      const game = (((await demo.request(380, { source_id: sourceId })).games as { game_id: string }[])[0]).game_id;
      const close = await player.request(375, { game_id: game });
      assert.equal(close.res, 666);
      const pool = await rival.request(385, { game_id: game, description: 'x', action_id: 'a', targets: ['t'], type: 2 });
      assert.equal(pool.res, 666);
      assert.equal(pool.text, close.text);
      assert.equal(close.text, `No game "${game}" administered by you.`);
      assert.equal((await player.request(363, { game_id: game })).res, 333);
    });
  });

  describe('close_game_source cascade', () => {
    it('closes every game, resolves its pools and tells a subscribed second user, while the closer gets 336', async () => {
      const sourceId = (((await demo.request(611)).sources as { id: string }[])[0]).id;
      const active = (await demo.request(380, { source_id: sourceId })).games as { game_id: string }[];
      const upcoming = (await demo.request(3811, { source_id: sourceId })).games as { id: string }[];
      const gameIds = [...active.map((g) => g.game_id), ...upcoming.map((g) => g.id)];
      assert.equal(gameIds.length, 3);
      for (const id of gameIds) {
        assert.equal((await player.request(363, { game_id: id })).res, 333);
        assert.equal((await demo.nextRes(470)).game_id, id);
      }

      demo.send(366, { source_id: sourceId });
      const reply = await demo.nextRes(336);
      assert.equal(reply.source_id, sourceId);

      // The player sees, per game, its pools resolved to none and then 341.
      const seen: Message[] = [];
      for (;;) {
        const m = await player.next();
        seen.push(m);
        if (seen.filter((x) => x.res === 341).length === gameIds.length) break;
      }
      const closedIds = seen.filter((m) => m.res === 341).map((m) => m.game_id);
      assert.deepEqual([...closedIds].sort(), [...gameIds].sort());
      const expired = seen.filter((m) => m.res === 363);
      const resolved = seen.filter((m) => m.res === 362);
      assert.equal(expired.length, 1, 'the seeded time pool expired');
      assert.equal(resolved.length, 1, 'the seeded event pool was resolved');
      assert.equal(expired[0].winning_target, 'none');
      assert.equal(expired[0].is_money_return, false);
      assert.equal(resolved[0].winning_target, 'none');
      assert.equal(resolved[0].is_money_return, true);
      for (const pool of [...expired, ...resolved]) {
        const i = seen.indexOf(pool);
        const closedAt = seen.findIndex((m) => m.res === 341 && m.game_id === pool.game_id);
        assert.ok(i < closedAt, 'a pool is resolved before its game closes');
      }
      // The player is not the closer: no 336 for them.
      assert.equal((await player.request(1)).res, 1);
      assert.ok(!player.pending().some((m) => m.res === 336));

      // Afterwards the source and its games are gone from every list.
      // (demo, a subscriber of its own games, also holds the cascade broadcasts: pick replies by res.)
      demo.send(611);
      assert.deepEqual((await demo.nextRes(621)).sources, []);
      demo.send(610);
      assert.deepEqual((await demo.nextRes(620)).games, []);
      demo.send(380, { source_id: sourceId });
      assert.deepEqual((await demo.nextRes(345)).games, []);
      demo.send(3811, { source_id: sourceId });
      assert.deepEqual((await demo.nextRes(3461)).games, []);
      const join = await player.request(363, { game_id: gameIds[0] });
      assert.equal(join.res, 666);
    });

    it('a user who did not join hears nothing', async () => {
      const sourceId = (((await demo.request(611)).sources as { id: string }[])[0]).id;
      await demo.request(366, { source_id: sourceId }).then(() => demo.nextRes(336));
      assert.equal((await rival.request(1)).res, 1);
      assert.deepEqual(rival.pending(), []);
    });

    it('a subscriber reconnecting later still receives broadcasts (subscriptions belong to the user)', async () => {
      const sourceId = (((await demo.request(611)).sources as { id: string }[])[0]).id;
      const game = (((await demo.request(380, { source_id: sourceId })).games as { game_id: string }[])[0]).game_id;
      await player.request(363, { game_id: game });
      await player.close();
      player = await RawClient.connect(emu.wsUrl, await login(emu.url, 'player', 'player'));
      demo.send(366, { source_id: sourceId });
      assert.equal((await player.next((m) => m.res === 341 && m.game_id === game)).game_id, game);
    });
  });

  describe('dropConnections', () => {
    it('cuts every socket and keeps listening', async () => {
      assert.equal(emu.connectionCount(), 3);
      const closed = Promise.all([demo, player, rival].map((c) => new Promise<void>((r) => (c.closed ? r() : c.ws.once('close', () => r())))));
      emu.dropConnections();
      await closed;
      const again = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
      assert.equal((await again.request(1)).res, 1);
      await again.close();
    });
  });
});
