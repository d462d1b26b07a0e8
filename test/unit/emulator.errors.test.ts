// Bad input of every kind gets a 666 with a clear text and the connection
// stays usable; replies keep the order of requests under a pipelined burst.
import * as assert from 'node:assert/strict';
import { mkdtemp, rm } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import * as path from 'node:path';
import { Emulator, startEmulator } from '../../src/emulator/server';
import { RawClient, login } from './support/rawClient';

describe('emulator bad input', () => {
  let emu: Emulator;
  let demo: RawClient;
  let sourceId: string;

  beforeEach(async () => {
    emu = await startEmulator({ port: 0 });
    demo = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    sourceId = ((await demo.request(611)).sources as { id: string }[])[0].id;
  });
  afterEach(async () => {
    await demo.close();
    await emu.close();
  });

  /** Sends raw data, expects one 666 whose text matches, then proves the connection still answers. */
  async function expect666Raw(data: string | Buffer, text: RegExp | string, binary = false): Promise<void> {
    demo.sendRaw(data, binary);
    const reply = await demo.next();
    assert.equal(reply.res, 666, `reply to ${String(data).slice(0, 80)}: ${JSON.stringify(reply)}`);
    assert.equal(typeof (reply.response_header as { t: unknown }).t, 'number');
    if (typeof text === 'string') assert.equal(reply.text, text);
    else assert.match(reply.text as string, text);
    assert.equal((await demo.request(1)).res, 1, 'still usable');
  }

  async function expect666(op: number, params: Record<string, unknown>, text: RegExp | string): Promise<void> {
    await expect666Raw(JSON.stringify({ header: { t: 1 }, op, ...params }), text);
  }

  describe('malformed frames', () => {
    it('text that is not JSON', () => expect666Raw('{"op": 1', 'The message is not valid JSON.'));
    it('a binary frame', () => expect666Raw(Buffer.from([1, 2, 3]), /Binary frames/, true));
    it('JSON that is not an object', async () => {
      await expect666Raw('[1,2]', 'The message must be a JSON object.');
      await expect666Raw('"op"', 'The message must be a JSON object.');
      await expect666Raw('null', 'The message must be a JSON object.');
    });
    it('a missing op', () => expect666Raw('{"header":{}}', 'Field "op" is required.'));
    it('a non-integer op', async () => {
      await expect666Raw('{"op":"365"}', 'Field "op" must be an integer.');
      await expect666Raw('{"op":1.5}', 'Field "op" must be an integer.');
    });
    it('an unknown op', () => expect666(9999, {}, 'Unknown operation 9999.'));
    it('an empty text frame', () => expect666Raw('', 'The message is not valid JSON.'));
  });

  describe('fields', () => {
    it('open_game_source: source_name missing, ill-typed, blank or over 255 characters', async () => {
      await expect666(365, {}, 'Field "source_name" is required.');
      await expect666(365, { source_name: 42 }, 'Field "source_name" must be a string.');
      await expect666(365, { source_name: '   ' }, 'Field "source_name" must not be empty.');
      await expect666(365, { source_name: 'x'.repeat(256) }, 'Field "source_name" must be at most 255 characters.');
    });

    it('open_game_source: description over 512 characters or not a string', async () => {
      await expect666(365, { source_name: 'ok.example', description: 'd'.repeat(513) }, 'Field "description" must be at most 512 characters.');
      await expect666(365, { source_name: 'ok.example', description: ['x'] }, 'Field "description" must be a string.');
      // Characters, not UTF-16 units: 513 emoji are too many, 512 are fine.
      await expect666(365, { source_name: 'ok.example', description: '😀'.repeat(513) }, 'Field "description" must be at most 512 characters.');
      const emoji = await demo.request(365, { source_name: 'emoji.example', description: '😀'.repeat(512) });
      assert.equal(emoji.res, 335);
      await demo.request(366, { source_id: emoji.source_id });
      const list = await demo.request(611);
      assert.equal((list.sources as unknown[]).length, 1, 'nothing was opened by the refused calls');
    });

    it('source ids: missing or ill-typed', async () => {
      for (const op of [366, 380, 3811]) {
        await expect666(op, {}, 'Field "source_id" is required.');
        await expect666(op, { source_id: { id: 1 } }, 'Field "source_id" must be an id (a non-empty string).');
        await expect666(op, { source_id: '' }, 'Field "source_id" must be an id (a non-empty string).');
      }
    });

    it('game ids: missing or ill-typed', async () => {
      for (const op of [363, 375, 385]) {
        await expect666(op, {}, 'Field "game_id" is required.');
        await expect666(op, { game_id: true }, 'Field "game_id" must be an id (a non-empty string).');
      }
    });

    it('create_and_open_game: each missing or ill-typed field is named', async () => {
      const base = { source_id: sourceId, game_name: 'G', type: 'football', actions: ['Goal'], targets: ['A', 'B'] };
      const cases: [Record<string, unknown>, string][] = [
        [{ game_name: undefined }, 'Field "game_name" is required.'],
        [{ game_name: ' ' }, 'Field "game_name" must not be empty.'],
        [{ type: undefined }, 'Field "type" is required.'],
        [{ type: {} }, 'Field "type" must be a game type (a non-empty string or an integer).'],
        [{ actions: 'Goal' }, 'Field "actions" must be an array of strings.'],
        [{ actions: [] }, 'Field "actions" must list at least 1 item(s).'],
        [{ actions: [1] }, 'Field "actions" must be an array of strings (item 0 is not).'],
        [{ targets: undefined }, 'Field "targets" is required.'],
        [{ targets: ['A::B'] }, 'Field "targets" has an empty name in "A::B".'],
        [{ open_at: 'soon' }, 'Field "open_at" must be a time in epoch milliseconds.'],
        // Beyond what a Date can hold: the client would refuse the 340 (and every 345 listing it) if the emulator echoed it.
        [{ open_at: 8.64e15 + 1 }, 'Field "open_at" must be a time in epoch milliseconds.'],
        [{ close_at: '9999999999999999' }, 'Field "close_at" must be a time in epoch milliseconds.'],
        [{ live_start_at: -1 }, 'Field "live_start_at" must be a time in epoch milliseconds.'],
        [{ hashtag: 5 }, 'Field "hashtag" must be a string.'],
      ];
      for (const [patch, text] of cases) await expect666(370, { ...base, ...patch }, text);
      const games = await demo.request(610);
      assert.equal((games.games as unknown[]).length, 3, 'no game was created by the refused calls');
    });
  });

  describe('ids', () => {
    it('an unknown source id and another user\'s source id get the same text', async () => {
      const other = await startOtherUserSource();
      for (const op of [366, 380, 3811]) {
        await expect666(op, { source_id: 'no-such-source' }, 'No game source "no-such-source" administered by you.');
        await expect666(op, { source_id: other.sourceId }, `No game source "${other.sourceId}" administered by you.`);
      }
      await expect666(370, { source_id: other.sourceId, game_name: 'G', type: 1, actions: ['a'], targets: ['x'] }, `No game source "${other.sourceId}" administered by you.`);
      await expect666(375, { game_id: other.gameId }, `No game "${other.gameId}" administered by you.`);
      await expect666(375, { game_id: 'no-such-game' }, 'No game "no-such-game" administered by you.');
      await expect666(385, { game_id: other.gameId, description: 'x', action_id: 'a', targets: ['t'], type: 1 }, `No game "${other.gameId}" administered by you.`);
      await expect666(363, { game_id: 'no-such-game' }, 'No game "no-such-game".');
      await other.client.close();
    });

    it('clips a huge id in the text', async () => {
      demo.send(366, { source_id: 'z'.repeat(120) });
      const reply = await demo.nextRes(666);
      assert.ok((reply.text as string).length < 120);
    });
  });

  it('survives a frame over the 1 MiB limit by closing only that connection', async () => {
    const other = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    other.sendRaw('x'.repeat(1024 * 1024 + 10));
    await new Promise<void>((resolve) => other.ws.once('close', () => resolve()));
    assert.equal((await demo.request(1)).res, 1);
  });

  it('answers 1,000 pipelined requests in the order they were sent', async () => {
    const expected: number[] = [];
    const ops: [number, Record<string, unknown>, number][] = [
      [1, {}, 1],
      [611, {}, 621],
      [9999, {}, 666],
      [365, { source_name: 'burst.example' }, 335],
      [380, { source_id: sourceId }, 345],
      [2, {}, 2],
    ];
    for (let i = 0; i < 1000; i++) {
      const [op, params, res] = ops[i % ops.length];
      demo.send(op, params);
      expected.push(res);
    }
    const got: number[] = [];
    for (let i = 0; i < 1000; i++) got.push((await demo.next(undefined, 15000)).res);
    assert.deepEqual(got, expected);
  });

  it('slows a flooding client down instead of dropping it: 5,000 pipelined requests, all answered in order', async () => {
    // Over 1,000 queued requests the server pauses reading the socket and resumes as it catches up.
    const n = 5000;
    for (let i = 0; i < n; i++) demo.send(i % 2 === 0 ? 611 : 1);
    for (let i = 0; i < n; i++) assert.equal((await demo.next(undefined, 15000)).res, i % 2 === 0 ? 621 : 1, `reply ${i}`);
    assert.equal(emu.connectionCount(), 1);
  });

  it('keeps replies in order while the state file is being written', async () => {
    // Persistence is async; replies to later cheap requests must not overtake earlier writes.
    const dir = await mkdtemp(path.join(tmpdir(), 'emu-fifo-'));
    const persisted = await startEmulator({ port: 0, statePath: path.join(dir, 'state.json') });
    const c = await RawClient.connect(persisted.wsUrl, await login(persisted.url, 'demo', 'demo'));
    const expected: number[] = [];
    for (let i = 0; i < 50; i++) {
      c.send(365, { source_name: `s${i}.example` });
      c.send(1);
      expected.push(335, 1);
    }
    const got: number[] = [];
    for (let i = 0; i < expected.length; i++) got.push((await c.next()).res);
    assert.deepEqual(got, expected);
    await c.close();
    await persisted.close();
    await rm(dir, { recursive: true, force: true });
  });

  async function startOtherUserSource(): Promise<{ client: RawClient; sourceId: string; gameId: string }> {
    await emu.close();
    emu = await startEmulator({ port: 0, users: [{ username: 'rival', password: 'rival', developer: true }] });
    demo = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
    const client = await RawClient.connect(emu.wsUrl, await login(emu.url, 'rival', 'rival'));
    const opened = await client.request(365, { source_name: 'rival.example' });
    const game = await client.request(370, { source_id: opened.source_id, game_name: 'R', type: 1, actions: ['a'], targets: ['x'] });
    return { client, sourceId: opened.source_id as string, gameId: game.game_id as string };
  }
});
