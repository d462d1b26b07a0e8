// Every call of PROTOCOL §6–§9 against the emulator, happy paths and the
// documented reply fields, over real sockets.
import * as assert from 'node:assert/strict';
import { DEFAULT_OPS, DEFAULT_RESPONSES } from '../../src/protocol/codes';
import { Emulator, startEmulator } from '../../src/emulator/server';
import { Message, RawClient, login } from './support/rawClient';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;

interface Target {
  target_id: string;
  symbol: string;
  display_name: string;
  targets: Target[];
}

describe('emulator operations', () => {
  let emu: Emulator;
  let demo: RawClient;
  let player: RawClient;

  beforeEach(async () => {
    emu = await startEmulator({ port: 0 });
    demo = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    player = await RawClient.connect(emu.wsUrl, await login(emu.url, 'player', 'player'));
  });
  afterEach(async () => {
    await Promise.all([demo.close(), player.close()]);
    await emu.close();
  });

  async function demoSourceId(): Promise<string> {
    const list = await demo.request(611);
    const sources = list.sources as { id: string }[];
    return sources[0].id;
  }

  async function createGame(sourceId: string, extra: Record<string, unknown> = {}): Promise<Message> {
    const r = await demo.request(370, { source_id: sourceId, game_name: 'Match', type: 'football', actions: ['Goal'], targets: ['Argentina:1', 'Argentina:2', 'Brazil'], ...extra });
    assert.equal(r.res, 340, JSON.stringify(r));
    return r;
  }

  it('ping (1) answers pong (1) in the documented envelope', async () => {
    const r = await demo.request(1);
    assert.equal(r.res, 1);
    assert.equal(typeof (r.response_header as { t: unknown }).t, 'number');
  });

  it('get_opcodes (2) answers the full documented tables', async () => {
    const r = await demo.request(2);
    assert.equal(r.res, 2);
    assert.deepEqual(r.opcodes, DEFAULT_OPS);
    assert.deepEqual(r.response_codes, DEFAULT_RESPONSES);
  });

  describe('demo seed', () => {
    it('gives demo one open source with two active games (one with pools) and one upcoming game', async () => {
      const list = await demo.request(611);
      assert.equal(list.res, 621);
      const sources = list.sources as { id: string; name: string; description: string }[];
      assert.equal(sources.length, 1);
      assert.match(sources[0].id, UUID);
      assert.equal(sources[0].name, 'demo.instamrkt.local');
      assert.equal(typeof sources[0].description, 'string');

      const active = await demo.request(380, { source_id: sources[0].id });
      assert.equal(active.res, 345);
      assert.equal(active.source_id, sources[0].id);
      const games = active.games as Record<string, unknown>[];
      assert.equal(games.length, 2);
      for (const g of games) {
        assert.deepEqual(Object.keys(g).sort(), ['actions', 'close_at', 'game_id', 'name', 'open_at', 'status', 'targets', 'type']);
        assert.match(g.status as string, /^(pre_game_betting_active|game_in_progress_betting_active)$/);
      }

      const upcoming = await demo.request(3811, { source_id: sources[0].id });
      assert.equal(upcoming.res, 3461);
      assert.equal(upcoming.source_id, sources[0].id);
      const up = upcoming.games as Record<string, unknown>[];
      assert.equal(up.length, 1);
      assert.deepEqual(Object.keys(up[0]).sort(), ['currency', 'game_name', 'game_type_id', 'hashtag', 'id', 'live_start_at', 'source_id']);
      assert.equal(up[0].source_id, sources[0].id);
      assert.ok((up[0].live_start_at as number) > Date.now());

      const mine = await demo.request(610);
      assert.equal(mine.res, 620);
      assert.equal((mine.games as unknown[]).length, 3);

      // One of the active games has an open time pool: closing the source expires it.
      demo.send(366, { source_id: sources[0].id });
      await demo.nextRes(336);
      const all = demo.pending();
      assert.ok(all.some((m) => m.res === 363), 'a time pool expired');
      assert.ok(all.some((m) => m.res === 362), 'an event pool returned');
    });

    it('gives player nothing to administer', async () => {
      const list = await player.request(611);
      assert.deepEqual(list.sources, []);
      const games = await player.request(610);
      assert.deepEqual(games.games, []);
    });
  });

  describe('game sources', () => {
    it('open_game_source (365) answers 335 with a UUID and the source is listed by 611 with name and description', async () => {
      const opened = await demo.request(365, { source_name: '  example.org  ', description: 'Example games' });
      assert.equal(opened.res, 335);
      assert.match(opened.source_id as string, UUID);
      const list = await demo.request(611);
      const found = (list.sources as { id: string; name: string; description: string }[]).find((s) => s.id === opened.source_id);
      assert.deepEqual(found, { id: opened.source_id, name: 'example.org', description: 'Example games' });
    });

    it('accepts a missing description and one of exactly 512 characters', async () => {
      const a = await demo.request(365, { source_name: 'a.example' });
      assert.equal(a.res, 335);
      const b = await demo.request(365, { source_name: 'b.example', description: 'd'.repeat(512) });
      assert.equal(b.res, 335);
      const list = await demo.request(611);
      const descriptions = (list.sources as { id: string; description: string }[]).filter((s) => s.id === a.source_id || s.id === b.source_id).map((s) => s.description.length);
      assert.deepEqual(descriptions.sort(), [0, 512]);
    });

    it('close_game_source (366) answers 336 with the id, and 611 no longer lists it', async () => {
      const opened = await demo.request(365, { source_name: 'closing.example' });
      const closed = await demo.request(366, { source_id: opened.source_id });
      assert.deepEqual({ res: closed.res, source_id: closed.source_id }, { res: 336, source_id: opened.source_id });
      const list = await demo.request(611);
      assert.ok(!(list.sources as { id: string }[]).some((s) => s.id === opened.source_id));
    });

    it('refuses to close a closed source, and to host a game in it', async () => {
      const opened = await demo.request(365, { source_name: 'twice.example' });
      await demo.request(366, { source_id: opened.source_id });
      const again = await demo.request(366, { source_id: opened.source_id });
      assert.equal(again.res, 666);
      assert.match(again.text as string, /already closed/);
      const game = await demo.request(370, { source_id: opened.source_id, game_name: 'G', type: 1, actions: ['a'], targets: ['x'] });
      assert.equal(game.res, 666);
      assert.match(game.text as string, /closed; it cannot host new games/);
    });
  });

  describe('games', () => {
    it('create_and_open_game (370) answers 340 with ids, actions and the nested targets tree plus none', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId, { open_at: '1700000000000', close_at: 1800000000000, hashtag: '#m', currency: 'EUR' });
      assert.equal(r.source_id, sourceId);
      assert.match(r.game_id as string, UUID);
      assert.equal(r.game_name, 'Match');
      assert.equal(r.open_at, 1700000000000);
      assert.equal(r.close_at, 1800000000000);
      assert.equal(r.hashtag, '#m');
      const actions = r.actions as { action_id: string; name: string }[];
      assert.equal(actions.length, 1);
      assert.equal(actions[0].name, 'Goal');
      assert.match(actions[0].action_id, UUID);
      const targets = r.targets as Target[];
      const shape = (ts: Target[]): unknown => ts.map((t) => [t.symbol, shape(t.targets)]);
      assert.deepEqual(shape(targets), [
        ['Argentina', [['1', []], ['2', []]]],
        ['Brazil', []],
        ['none', []],
      ]);
      for (const t of targets) {
        assert.match(t.target_id, UUID);
        assert.equal(typeof t.display_name, 'string');
      }
    });

    it('lists a new game as active (380) with its status, and in 610', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId);
      const active = await demo.request(380, { source_id: sourceId });
      const game = (active.games as Record<string, unknown>[]).find((g) => g.game_id === r.game_id);
      assert.ok(game);
      assert.equal(game.status, 'game_in_progress_betting_active');
      assert.equal(game.name, 'Match');
      assert.equal(game.type, 'football');
      const mine = await demo.request(610);
      assert.ok((mine.games as { id: string; name: string }[]).some((g) => g.id === r.game_id && g.name === 'Match'));
    });

    it('lists a game whose open_at lies ahead as upcoming (3811), not active', async () => {
      const sourceId = await demoSourceId();
      const future = Date.now() + 3_600_000;
      const r = await createGame(sourceId, { open_at: future, live_start_at: future + 1000, currency: 'USD', hashtag: '#up' });
      const upcoming = await demo.request(3811, { source_id: sourceId });
      const g = (upcoming.games as Record<string, unknown>[]).find((x) => x.id === r.game_id);
      assert.deepEqual(g, { id: r.game_id, source_id: sourceId, game_name: 'Match', currency: 'USD', live_start_at: future + 1000, game_type_id: 'football', hashtag: '#up' });
      const active = await demo.request(380, { source_id: sourceId });
      assert.ok(!(active.games as { game_id: string }[]).some((x) => x.game_id === r.game_id));
    });

    it('join_game (363) answers 333 and tells the game subscribers with 470', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId);
      const joined = await player.request(363, { game_id: r.game_id });
      assert.deepEqual({ res: joined.res, game_id: joined.game_id }, { res: 333, game_id: r.game_id });
      const told = await demo.nextRes(470);
      assert.equal(told.game_id, r.game_id);
      assert.equal(told.user_id, '1002');
    });

    it('close_game (375) of a game without event pools answers 341 and broadcasts 341 and 363 to subscribers', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId);
      const target = (r.targets as Target[])[0].target_id;
      const pool = await demo.request(385, { game_id: r.game_id, description: 'time', action_id: (r.actions as { action_id: string }[])[0].action_id, targets: [target], type: 4 });
      assert.equal(pool.res, 350);
      await demo.nextRes(352);
      await player.request(363, { game_id: r.game_id });
      await demo.nextRes(470);
      demo.send(375, { game_id: r.game_id });
      const expired = await demo.nextRes(363);
      assert.equal(expired.pool_id, pool.pool_id);
      const closed = await demo.nextRes(341);
      assert.equal(closed.game_id, r.game_id);
      const seen = await player.nextRes(363);
      assert.deepEqual(
        { pool_id: seen.pool_id, game_id: seen.game_id, winning_target: seen.winning_target, is_money_return: seen.is_money_return, winners: seen.winners, losers: seen.losers, invalidated_bettors: seen.invalidated_bettors },
        { pool_id: pool.pool_id, game_id: r.game_id, winning_target: 'none', is_money_return: false, winners: {}, losers: {}, invalidated_bettors: [] },
      );
      assert.equal(typeof seen.expired_at, 'number');
      assert.equal((await player.nextRes(341)).game_id, r.game_id);
      // The closer gets exactly one 341: its reply.
      assert.equal((await demo.request(1)).res, 1);
      assert.ok(!demo.pending().some((m) => m.res === 341));
      const mine = await demo.request(610);
      assert.ok(!(mine.games as { id: string }[]).some((g) => g.id === r.game_id));
    });

    it('close_game (375) with an event pool blocks it (368), stops betting and answers 666; closing the source then resolves it', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId);
      const target = (r.targets as Target[])[1].target_id;
      const pool = await demo.request(385, { game_id: r.game_id, description: 'event', action_id: (r.actions as { action_id: string }[])[0].action_id, targets: [target], type: 3 });
      await demo.nextRes(352);
      demo.send(375, { game_id: r.game_id });
      const blocked = await demo.nextRes(368);
      assert.deepEqual({ pool_id: blocked.pool_id, game_id: blocked.game_id }, { pool_id: pool.pool_id, game_id: r.game_id });
      const answer = await demo.nextRes(666);
      assert.equal(answer.text, 'Game has pools awaiting manual resolution; it will close when they are resolved.');
      const active = await demo.request(380, { source_id: sourceId });
      assert.equal((active.games as { game_id: string; status: string }[]).find((g) => g.game_id === r.game_id)?.status, 'game_in_progress_betting_closed');
      const noPool = await demo.request(385, { game_id: r.game_id, description: 'late', action_id: (r.actions as { action_id: string }[])[0].action_id, targets: [target], type: 2 });
      assert.equal(noPool.res, 666);

      demo.send(366, { source_id: sourceId });
      const resolved = await demo.next((m) => m.res === 362 && m.pool_id === pool.pool_id);
      assert.equal(resolved.is_money_return, true);
      assert.equal(resolved.winning_target, 'none');
      assert.equal((await demo.next((m) => m.res === 341 && m.game_id === r.game_id)).game_id, r.game_id);
      assert.equal((await demo.nextRes(336)).source_id, sourceId);
    });
  });

  describe('pools', () => {
    it('create_and_open_betting_pool (385) answers 350 to the creator and broadcasts 352 to subscribers', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId);
      await player.request(363, { game_id: r.game_id });
      await demo.nextRes(470);
      const target = (r.targets as Target[])[0].targets[0].target_id;
      const created = await demo.request(385, { game_id: r.game_id, description: 'First goal', action_id: (r.actions as { action_id: string }[])[0].action_id, targets: [target], type: 1 });
      assert.equal(created.res, 350);
      assert.match(created.pool_id as string, UUID);
      assert.equal(created.game_id, r.game_id);
      const opened = await player.nextRes(352);
      assert.deepEqual({ pool_id: opened.pool_id, game_id: opened.game_id, description: opened.description, type: opened.type }, { pool_id: created.pool_id, game_id: r.game_id, description: 'First goal', type: 1 });
    });

    it('refuses unknown actions, unknown targets and a bad type, naming the field', async () => {
      const sourceId = await demoSourceId();
      const r = await createGame(sourceId);
      const action = (r.actions as { action_id: string }[])[0].action_id;
      const target = (r.targets as Target[])[0].target_id;
      const base = { game_id: r.game_id, description: 'x', action_id: action, targets: [target], type: 1 };
      for (const [patch, field] of [
        [{ action_id: 'nope' }, 'action_id'],
        [{ targets: ['nope'] }, 'targets'],
        [{ targets: [] }, 'targets'],
        [{ type: 5 }, 'type'],
        [{ type: '1' }, 'type'],
        [{ description: 7 }, 'description'],
      ] as const) {
        const reply = await demo.request(385, { ...base, ...patch });
        assert.equal(reply.res, 666, JSON.stringify(patch));
        assert.match(reply.text as string, new RegExp(`"${field}"`));
      }
    });
  });
});

describe('emulator reply delays (a slow server, for client tests)', () => {
  it('holds the reply to a named operation after the operation took effect; other connections are not held', async () => {
    const emu = await startEmulator({ port: 0, replyDelays: { open_game_source: 400 } });
    const demo = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    const watcher = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    try {
      const started = Date.now();
      let replied = false;
      const opened = demo.request(365, { source_name: 'slow.example' }).then((r) => {
        replied = true;
        return r;
      });
      // While the reply is held, another connection already sees the source.
      let seen = false;
      while (!seen) {
        const list = await watcher.request(611);
        seen = (list.sources as { name: string }[]).some((s) => s.name === 'slow.example');
      }
      assert.equal(replied, false, 'the source exists before its reply is sent');
      const reply = await opened;
      assert.equal(reply.res, 335);
      assert.ok(Date.now() - started >= 400, 'the reply came no sooner than the delay');
    } finally {
      await Promise.all([demo.close(), watcher.close()]);
      await emu.close();
    }
  });

  it('refuses an unknown operation or a negative delay', async () => {
    await assert.rejects(startEmulator({ port: 0, replyDelays: { nonsense: 5 } as never }), /Unknown operation "nonsense"/);
    await assert.rejects(startEmulator({ port: 0, replyDelays: { ping: -1 } }), /whole number of ms/);
  });
});
