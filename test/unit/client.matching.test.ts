// Which request a frame from the server answers (PROTOCOL.md §4), one rule per
// test, against the scripted server over real sockets: replies carry no request
// id, so a reply goes to the oldest pending request that expects its code and
// whose echoed ids it carries; a 666 rejects the oldest pending request; a
// frame that answers nothing is an event, or is reported and dropped.
import * as assert from 'node:assert/strict';
import { ProtocolError, ServerError } from '../../src/protocol/errors';
import { ServerMessage } from '../../src/protocol/messages';
import type { HostingClient } from '../fixtures/hostingClient';
import { type ReceivedRequest, type ScriptedServer, send } from './support/scriptedServer';
import { useScriptedServer } from './support/scriptedClients';
import { nextEvent, waitFor } from './support/wait';

describe('InstamrktClient request matching (scripted server)', () => {
  let server: ScriptedServer;
  /** Requests the server keeps unanswered, for the test to answer by hand. */
  let held: ReceivedRequest[];
  const clients = useScriptedServer((started) => {
    server = started;
    held = [];
    // Logon, get_opcodes and ping are answered as usual; everything else waits for the test.
    server.handler = (r) => {
      if (r.op === 1 || r.op === 2 || r.op === 100) return false;
      held.push(r);
      return true;
    };
  });

  async function connected(): Promise<HostingClient> {
    const client = clients.make();
    await client.connect();
    return client;
  }

  const socket = () => server.connections.get(1) as import('ws').WebSocket;
  const arrived = (n: number) => waitFor(() => held.length >= n, `${n} requests to reach the server`);

  describe('well-formed frames', () => {
    it('gives two pending requests of one code their replies in send order', async () => {
      const client = await connected();
      const a = client.openGameSource('a.example');
      const b = client.openGameSource('b.example');
      await arrived(2);
      send(socket(), 335, { source_id: 'first' });
      send(socket(), 335, { source_id: 'second' });
      assert.deepEqual(await Promise.all([a, b]), ['first', 'second']);
    });

    it('answers the oldest request expecting the reply’s code, past an older request waiting for another code', async () => {
      const client = await connected();
      const list = client.listGameSources();
      await arrived(1);
      await client.ping(); // its pong passes the list, which waits for 621
      assert.equal(client.pendingCount, 1);
      send(socket(), 621, { sources: [{ id: 's', name: 'S' }] });
      assert.deepEqual((await list).map((s) => s.id), ['s']);
    });

    it('rejects the oldest pending request with a 666, whatever code it expects; the next one keeps waiting', async () => {
      const client = await connected();
      const list = client.listGameSources();
      const open = client.openGameSource('later.example');
      await arrived(2);
      send(socket(), 666, { text: 'nope' });
      await assert.rejects(list, (e: unknown) => e instanceof ServerError && e.text === 'nope');
      assert.equal(client.pendingCount, 1);
      send(socket(), 335, { source_id: 'opened' });
      assert.equal(await open, 'opened');
    });

    it('delivers a 666 that arrives with no request pending as an event', async () => {
      const client = await connected();
      const got = nextEvent(client.onEvent, () => true, 'the 666 as an event');
      send(socket(), 666, { text: 'unsolicited' });
      const e = await got;
      assert.equal(e.name, 'error');
      assert.deepEqual(e.body, { text: 'unsolicited' });
    });

    it('delivers a reply that echoes another id as an event; the request waits for its own', async () => {
      const client = await connected();
      const events: ServerMessage[] = [];
      client.onEvent((e) => events.push(e));
      const games = client.listGamesForSource('A');
      await arrived(1);
      send(socket(), 345, { source_id: 'B', games: [{ game_id: 'of-B', status: 'game_closed' }] });
      send(socket(), 345, { source_id: 'A', games: [{ game_id: 'of-A', status: 'game_closed' }] });
      assert.deepEqual((await games).map((g) => g.game_id), ['of-A']);
      assert.deepEqual(events.map((e) => [e.res, (e.body as { source_id: string }).source_id]), [[345, 'B']]);
    });

    it('delivers a reply of a code no pending request expects as an event; pending requests keep waiting', async () => {
      const client = await connected();
      const list = client.listGameSources();
      await arrived(1);
      const got = nextEvent(client.onEvent, (e) => e.res === 336, 'the 336 as an event');
      send(socket(), 336, { source_id: 'closed-elsewhere' });
      await got;
      assert.equal(client.pendingCount, 1);
      send(socket(), 621, { sources: [] });
      assert.deepEqual(await list, []);
    });
  });

  describe('frames that cannot be decoded', () => {
    it('rejects the oldest request expecting the code, when that request echoes no id', async () => {
      const client = await connected();
      const errors: ProtocolError[] = [];
      client.onProtocolError((e) => errors.push(e));
      const list = client.listGameSources();
      await arrived(1);
      send(socket(), 621, { sources: 'not a list' });
      await assert.rejects(list, (e: unknown) => e instanceof ProtocolError && e.res === 621);
      assert.equal(errors.length, 1);
      assert.equal(client.state, 'connected');
    });

    it('rejects the request whose id the malformed frame carries', async () => {
      const client = await connected();
      const games = client.listGamesForSource('S');
      await arrived(1);
      send(socket(), 345, { source_id: 'S', games: 'not a list' });
      await assert.rejects(games, (e: unknown) => e instanceof ProtocolError && e.res === 345);
      assert.equal(client.pendingCount, 0);
    });

    it('reports and drops a malformed reply that carries another id; the waiting request gets its own reply', async () => {
      const client = await connected();
      const errors: ProtocolError[] = [];
      client.onProtocolError((e) => errors.push(e));
      const games = client.listGamesForSource('A');
      await arrived(1);
      send(socket(), 345, { source_id: 'B', games: 'not a list' });
      send(socket(), 345, { source_id: 'A', games: [] });
      assert.deepEqual(await games, []);
      assert.deepEqual(errors.map((e) => e.res), [345]);
      assert.ok(clients.logLines.some((l) => l.startsWith('warn') && l.includes('345')), 'the dropped frame is logged');
    });

    it('rejects, of two requests of one code, only the one whose id the malformed reply carries', async () => {
      const client = await connected();
      const a = client.listGamesForSource('A');
      const b = client.listGamesForSource('B');
      await arrived(2);
      send(socket(), 345, { source_id: 'B', games: [{ game_id: 'g', status: 42 }] });
      await assert.rejects(b, (e: unknown) => e instanceof ProtocolError && /games\[0\]\.status/.test(e.message));
      assert.equal(client.pendingCount, 1);
      send(socket(), 345, { source_id: 'A', games: [] });
      assert.deepEqual(await a, []);
    });

    it('drops a malformed reply without the id that the waiting request expects echoed', async () => {
      const client = await connected();
      const reported = nextEvent(client.onProtocolError, () => true, 'the malformed frame to be reported');
      const games = client.listGamesForSource('A');
      await arrived(1);
      send(socket(), 345, { games: [] });
      assert.equal((await reported).res, 345);
      assert.equal(client.pendingCount, 1);
      send(socket(), 345, { source_id: 'A', games: [] });
      assert.deepEqual(await games, []);
    });

    it('drops a malformed reply whose code only a newer request without an echoed id expects, when an older one of that code waits', async () => {
      const client = await connected();
      const errors: ProtocolError[] = [];
      client.onProtocolError((e) => errors.push(e));
      // Two requests expecting 341: the older echoes a game id, the newer (sent raw) echoes none.
      const older = client.closeGame('G');
      const newer = client.request('close_game', { game_id: 'H' }, ['game_closed']);
      await arrived(2);
      send(socket(), 341, { game_id: { not: 'an id' } });
      send(socket(), 341, { game_id: 'G' });
      send(socket(), 341, { game_id: 'H' });
      await older;
      assert.equal((await newer).body.game_id, 'H');
      assert.deepEqual(errors.map((e) => e.res), [341]);
    });
  });
});
