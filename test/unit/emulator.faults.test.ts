// The emulator's reply faults, as a client sees them on the wire: dropped and
// late replies (the operation still takes effect), and frames of a reply's
// code for another id (well-formed or malformed) sent just before the reply.
import * as assert from 'node:assert/strict';
import { CodeTable } from '../../src/protocol/codes';
import { ProtocolError } from '../../src/protocol/errors';
import { decodeMessage } from '../../src/protocol/messages';
import { Emulator, startEmulator } from '../../src/emulator/server';
import { EmulatorFaults } from '../../src/emulator/faults';
import { RawClient, bare, login } from './support/rawClient';

const UUID = /^[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}$/;
const DAY_MS = 24 * 60 * 60 * 1000;

async function take(client: RawClient, count: number): Promise<Record<string, unknown>[]> {
  const out: Record<string, unknown>[] = [];
  for (let i = 0; i < count; i++) out.push(bare(await client.next()));
  return out;
}

/** Sends ping and returns every frame up to and including its pong: what arrived in between, in order. */
async function untilPong(client: RawClient): Promise<number[]> {
  client.send(1);
  const seen: number[] = [];
  for (;;) {
    const m = await client.next();
    seen.push(m.res);
    if (m.res === 1) return seen;
  }
}

describe('emulator faults: replies', () => {
  let emu: Emulator;
  let demo: RawClient;
  const others: RawClient[] = [];

  async function start(faults: EmulatorFaults): Promise<void> {
    emu = await startEmulator({ port: 0, seed: 'empty', faults });
    demo = await RawClient.connect(emu.wsUrl, await login(emu.url, 'demo', 'demo'));
  }

  async function connect(username: string): Promise<RawClient> {
    const c = await RawClient.connect(emu.wsUrl, await login(emu.url, username, username));
    others.push(c);
    return c;
  }

  async function openSource(name: string): Promise<string> {
    const r = await demo.request(365, { source_name: name });
    assert.equal(r.res, 335, JSON.stringify(r));
    return r.source_id as string;
  }

  async function createGame(sourceId: string, extra: Record<string, unknown> = {}): Promise<string> {
    const r = await demo.request(370, { source_id: sourceId, game_name: 'Match', type: 1, actions: ['Goal'], targets: ['A', 'B'], ...extra });
    assert.equal(r.res, 340, JSON.stringify(r));
    return r.game_id as string;
  }

  async function sourceNames(): Promise<string[]> {
    const list = await demo.request(611);
    assert.equal(list.res, 621);
    return (list.sources as { name: string }[]).map((s) => s.name);
  }

  afterEach(async () => {
    await Promise.all([demo.close(), ...others.splice(0).map((c) => c.close())]);
    await emu.close();
  });

  it('drops the reply (success or 666) of a dropped op, which still takes effect; the next reply is the next frame', async () => {
    await start({ dropReplies: ['close_game_source'] });
    const sourceId = await openSource('dropped.example');
    demo.send(366, { source_id: sourceId });
    assert.deepEqual(await untilPong(demo), [1], 'no 336 before the pong');
    assert.deepEqual(await sourceNames(), [], 'the close took effect');
    demo.send(366, { source_id: 'no-such-source' });
    assert.deepEqual(await untilPong(demo), [1], 'no 666 either');
    assert.deepEqual(demo.pending(), [], 'and nothing came later');
  });

  it('switches a drop on and off mid-run with setFaults', async () => {
    await start({});
    const [a, b, c] = [await openSource('a.example'), await openSource('b.example'), await openSource('c.example')];
    assert.deepEqual(bare(await demo.request(366, { source_id: a })), { res: 336, source_id: a });
    emu.setFaults({ dropReplies: ['close_game_source'] });
    assert.deepEqual(emu.faults(), { dropReplies: ['close_game_source'] });
    demo.send(366, { source_id: b });
    assert.deepEqual(await untilPong(demo), [1]);
    emu.setFaults({});
    assert.deepEqual(bare(await demo.request(366, { source_id: c })), { res: 336, source_id: c });
    assert.deepEqual(await sourceNames(), []);
  });

  it('sends a late reply after the replies to later requests, which are not held', async () => {
    await start({ lateReplies: { open_game_source: 1000 } });
    demo.send(365, { source_name: 'late.example' });
    demo.send(1);
    demo.send(611);
    const [pong, list, opened] = await take(demo, 3);
    assert.deepEqual(pong, { res: 1 });
    assert.equal(list.res, 621);
    const listed = list.sources as { id: string; name: string }[];
    assert.deepEqual(listed.map((s) => s.name), ['late.example'], 'the open took effect before its reply was sent');
    assert.deepEqual(opened, { res: 335, source_id: listed[0].id });
  });

  it('a held reply (faults.replyDelays) still holds the later replies behind it', async () => {
    await start({ replyDelays: { open_game_source: 300 } });
    demo.send(365, { source_name: 'held.example' });
    demo.send(1);
    const [opened, pong] = await take(demo, 2);
    assert.equal(opened.res, 335);
    assert.deepEqual(pong, { res: 1 });
  });

  it('interleaves a well-formed frame for another id before each reply that echoes an id, and only those', async () => {
    await start({ interleaveBroadcasts: true });
    const player = await connect('player');
    const sourceId = await openSource('busy.example');
    assert.deepEqual(await untilPong(demo), [1], 'no stray before 335, which echoes no id of the request');
    const gameId = await createGame(sourceId);
    const upcomingId = await createGame(sourceId, { open_at: Date.now() + DAY_MS });

    demo.send(380, { source_id: sourceId });
    const [stray380, list] = await take(demo, 2);
    assert.equal(stray380.res, 345);
    assert.match(stray380.source_id as string, UUID);
    assert.notEqual(stray380.source_id, sourceId);
    assert.deepEqual(stray380.games, []);
    assert.equal(list.source_id, sourceId);
    assert.deepEqual((list.games as { game_id: string }[]).map((g) => g.game_id), [gameId]);

    demo.send(3811, { source_id: sourceId });
    const [stray3811, upcoming] = await take(demo, 2);
    assert.deepEqual(Object.keys(stray3811).sort(), ['games', 'res', 'source_id']);
    assert.equal(stray3811.res, 3461);
    assert.notEqual(stray3811.source_id, sourceId);
    assert.deepEqual((upcoming.games as { id: string }[]).map((g) => g.id), [upcomingId]);

    player.send(363, { game_id: gameId });
    const [stray333, joined] = await take(player, 2);
    assert.equal(stray333.res, 333);
    assert.match(stray333.game_id as string, UUID);
    assert.notEqual(stray333.game_id, gameId);
    assert.deepEqual(joined, { res: 333, game_id: gameId });
    assert.deepEqual(bare(await demo.next()), { res: 470, game_id: gameId, user_id: '1002' }, 'broadcasts get no strays');

    demo.send(375, { game_id: gameId });
    const [stray341, closed] = await take(demo, 2);
    assert.equal(stray341.res, 341);
    assert.notEqual(stray341.game_id, gameId);
    assert.deepEqual(closed, { res: 341, game_id: gameId });
    assert.deepEqual(bare(await player.next()), { res: 341, game_id: gameId });

    demo.send(366, { source_id: sourceId });
    const [cascade, stray336, sourceClosed] = await take(demo, 3);
    assert.deepEqual(cascade, { res: 341, game_id: upcomingId });
    assert.equal(stray336.res, 336);
    assert.notEqual(stray336.source_id, sourceId);
    assert.deepEqual(sourceClosed, { res: 336, source_id: sourceId });

    // Each stray is a frame our own decoder accepts: only its id tells it apart.
    for (const m of [stray380, stray3811, stray333, stray341, stray336]) assert.ok(!(decodeMessage(m, CodeTable.documented) instanceof ProtocolError));
    assert.deepEqual(await untilPong(demo), [1]);
    assert.deepEqual(await untilPong(player), [1]);
  });

  it('sends no stray before a 666, even to an op that echoes an id', async () => {
    await start({ interleaveBroadcasts: true, malformedFrames: true });
    demo.send(380, { source_id: 'no-such-source' });
    demo.send(375, { game_id: 'no-such-game' });
    const [a, b] = await take(demo, 2);
    assert.deepEqual([a.res, b.res], [666, 666]);
    assert.deepEqual(await untilPong(demo), [1]);
  });

  it('sends a malformed frame for another id before each reply that echoes an id; the well-formed stray comes first when both are on', async () => {
    await start({ malformedFrames: true });
    const sourceId = await openSource('garbled.example');
    const gameId = await createGame(sourceId);

    demo.send(380, { source_id: sourceId });
    const [bad345, list] = await take(demo, 2);
    assert.equal(bad345.res, 345);
    assert.match(bad345.source_id as string, UUID);
    assert.notEqual(bad345.source_id, sourceId);
    assert.equal(bad345.games, 'x');
    assert.equal(list.source_id, sourceId);

    demo.send(375, { game_id: gameId });
    const [bad341, closed] = await take(demo, 2);
    assert.equal(bad341.res, 341);
    const wrapped = bad341.game_id as string[];
    assert.ok(Array.isArray(wrapped) && wrapped.length === 1 && UUID.test(wrapped[0]) && wrapped[0] !== gameId, JSON.stringify(bad341));
    assert.deepEqual(closed, { res: 341, game_id: gameId });
    for (const m of [bad345, bad341]) assert.ok(decodeMessage(m, CodeTable.documented) instanceof ProtocolError, JSON.stringify(m));

    emu.setFaults({ malformedFrames: true, interleaveBroadcasts: true });
    demo.send(3811, { source_id: sourceId });
    const [good, bad, upcoming] = await take(demo, 3);
    assert.deepEqual([good.res, bad.res, upcoming.res], [3461, 3461, 3461]);
    assert.deepEqual(good.games, []);
    assert.equal(bad.games, 'x');
    assert.deepEqual(upcoming, { res: 3461, source_id: sourceId, games: [] });
    assert.notEqual(good.source_id, bad.source_id);

    // 621 echoes no id, so there is no "other id" to garble.
    demo.send(611);
    assert.equal((await demo.next()).res, 621);
    assert.deepEqual(await untilPong(demo), [1]);
  });

  it('sends the strays of a late or dropped reply where the reply would have been', async () => {
    await start({ interleaveBroadcasts: true, lateReplies: { list_games_for_source: 1000 }, dropReplies: ['list_upcoming_games_for_source'] });
    const sourceId = await openSource('strays.example');
    demo.send(380, { source_id: sourceId });
    demo.send(3811, { source_id: sourceId });
    demo.send(1);
    const frames = await take(demo, 4);
    assert.deepEqual(
      frames.map((f) => f.res),
      [345, 3461, 1, 345],
    );
    assert.notEqual(frames[0].source_id, sourceId);
    assert.notEqual(frames[1].source_id, sourceId);
    assert.deepEqual(frames[3], { res: 345, source_id: sourceId, games: [] });
    assert.deepEqual(await untilPong(demo), [1], 'the dropped 3461 never came');
  });
});
