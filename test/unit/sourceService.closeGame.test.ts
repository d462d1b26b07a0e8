// SourceService.closeGame (op 375) against the real emulator through the real
// client: what the model shows after each outcome (closed, refused, unknown),
// and, from the emulator's own record of what it received, that a close is
// sent once and never again.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { ConnectionLostError, ServerError } from '../../src/protocol/errors';
import type { HostingClient } from '../fixtures/hostingClient';
import { SourceService } from '../../src/sources/sourceService';
import { ClientPool, Emulator } from './support/emulatorClients';
import { nextEvent, waitFor } from './support/wait';

const FINAL = 'Cup final: Argentina vs Brazil'; // holds an event pool: the server refuses to close it
const BLITZ = 'Chess blitz: round 3'; // no pools
const SEMI = 'Tennis: semi-final'; // upcoming

describe('SourceService.closeGame', () => {
  let emulator: Emulator;
  let received: string[];
  let pool: ClientPool;
  let service: SourceService;
  let sourceId: string;

  /** How many close_game requests the emulator received (its log names every request's op). */
  const closesReceived = () => received.filter((line) => line.endsWith(': close_game')).length;

  async function start(client: HostingClient): Promise<void> {
    await service.attach(client, 'owner');
    sourceId = service.list()[0].info.id;
    await service.games(sourceId);
  }

  const activeId = (name: string) => service.get(sourceId)?.games?.active.find((g) => g.name === name)?.game_id;
  const upcomingId = (name: string) => service.get(sourceId)?.games?.upcoming.find((g) => g.game_name === name)?.id;

  beforeEach(async () => {
    received = [];
    emulator = await startEmulator({ port: 0, seed: 'demo', log: (line) => received.push(line) });
    pool = new ClientPool(() => emulator);
    service = new SourceService(undefined);
  });

  afterEach(async () => {
    service.dispose();
    pool.disposeAll();
    await emulator.close();
  });

  it('closes an active game: it leaves the model, the server lists it no more, and it was sent once', async () => {
    const client = await pool.connected('demo', 'demo');
    // Two more sources, after the seeded one: one whose games were read (none), one whose games never were.
    const read = await client.openGameSource('read.example');
    await client.openGameSource('unread.example');
    await start(client);
    await service.games(read);
    const id = activeId(BLITZ);
    assert.ok(id);
    const changes: (string | undefined)[] = [];
    const sub = service.onDidChange((e) => changes.push(e.sourceId));
    await service.closeGame(sourceId, id);
    sub.dispose();
    assert.deepEqual(changes, [sourceId], 'only the source of the closed game changed');
    assert.equal(activeId(BLITZ), undefined);
    assert.ok(activeId(FINAL), 'the other games stay');
    const other = await pool.connected('demo', 'demo');
    assert.ok(!(await other.listGamesForSource(sourceId)).some((g) => g.game_id === id), 'closed on the server');
    assert.equal(closesReceived(), 1);
  });

  it('closes an upcoming game: it leaves the upcoming list, and only it', async () => {
    const client = await pool.connected('demo', 'demo');
    await start(client);
    const tomorrow = Date.now() + 24 * 3600_000;
    await client.createAndOpenGame({ source_id: sourceId, game_name: 'Later still', type: 'chess', actions: ['mate'], targets: ['W', 'B'], open_at: tomorrow, live_start_at: tomorrow });
    await service.loadGames(sourceId);
    const id = upcomingId(SEMI);
    assert.ok(id);
    await service.closeGame(sourceId, id);
    assert.deepEqual(service.get(sourceId)?.games?.upcoming.map((g) => g.game_name), ['Later still']);
    assert.equal(service.get(sourceId)?.games?.active.length, 2, 'the active games stay');
    const other = await pool.connected('demo', 'demo');
    assert.deepEqual((await other.listUpcomingGamesForSource(sourceId)).map((g) => g.game_name), ['Later still']);
  });

  it('a refusal rejects with the server text, keeps the game and re-reads its status (betting stopped)', async () => {
    await start(await pool.connected('demo', 'demo'));
    const id = activeId(FINAL);
    assert.ok(id);
    const reread = nextEvent(service.onDidChange, (e) => e.sourceId === sourceId, 'the games to be re-read');
    await assert.rejects(service.closeGame(sourceId, id), (e: unknown) => e instanceof ServerError && /awaiting manual resolution/.test(e.text));
    await reread;
    const game = service.get(sourceId)?.games?.active.find((g) => g.game_id === id);
    assert.equal(game?.status, 'game_in_progress_betting_closed', 'the model shows what the server did, not what it showed before');
    assert.equal(closesReceived(), 1);
  });

  it('an unknown game id is refused and changes nothing', async () => {
    await start(await pool.connected('demo', 'demo'));
    const before = JSON.stringify(service.get(sourceId)?.games);
    await assert.rejects(service.closeGame(sourceId, 'no-such-game'), (e: unknown) => e instanceof ServerError && e.text.includes('no-such-game'));
    assert.equal(JSON.stringify(service.get(sourceId)?.games), before);
  });

  it('rejects with NotConnectedError when detached, sending nothing', async () => {
    await start(await pool.connected('demo', 'demo'));
    const id = activeId(BLITZ);
    assert.ok(id);
    service.detach();
    await assert.rejects(service.closeGame(sourceId, id), { code: 'not-connected' });
    assert.equal(closesReceived(), 0);
  });

  it('a drop after the server acted: unknown outcome (ConnectionLostError), the game stays until the re-read drops it, and the close is never re-sent', async () => {
    const client = await pool.connected('demo', 'demo', { reconnect: { initialDelayMs: 10, maxDelayMs: 50 } });
    await start(client);
    const id = activeId(BLITZ);
    assert.ok(id);
    emulator.setFaults({ replyDelays: { close_game: 60_000 } });
    const closing = service.closeGame(sourceId, id);
    const checker = await pool.connected('demo', 'demo');
    // The server acts at once and holds only the reply: wait until the game is closed there.
    await waitFor(() => closesReceived() === 1, 'the close to reach the server');
    await checker.listGameSources(); // a round trip on another connection: the close has been applied by now
    assert.ok(!(await checker.listGamesForSource(sourceId)).some((g) => g.game_id === id), 'the server closed it');
    emulator.setFaults({});
    emulator.dropConnections();
    await assert.rejects(closing, ConnectionLostError);
    assert.ok(activeId(BLITZ), 'still listed while the outcome is unknown: not shown as closed');
    service.detach();
    await nextEvent(client.onDidChangeState, (e) => e.state === 'connected', 'reconnection');
    await service.attach(client, 'owner');
    assert.equal(activeId(BLITZ), undefined, 'the re-read from the server settles it');
    assert.ok(activeId(FINAL));
    assert.equal(closesReceived(), 1, 'the emulator received the close once: nothing was re-sent after reconnecting');
  });

  it('removes an upcoming game closed elsewhere when its 341 broadcast arrives', async () => {
    const client = await pool.connected('demo', 'demo');
    client.onEvent((m) => service.handleEvent(m));
    await start(client);
    const id = upcomingId(SEMI);
    assert.ok(id);
    const changed = nextEvent(service.onDidChange, (e) => e.sourceId === sourceId, 'the source to change');
    const other = await pool.connected('demo', 'demo');
    await other.closeGame(id);
    await changed;
    assert.equal(upcomingId(SEMI), undefined);
  });

});
