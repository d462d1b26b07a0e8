// The typed calls of InstamrktClient, against the scripted server over real
// sockets: what each sends, what it checks first (and in which order), and
// which reply it takes as its answer.
import * as assert from 'node:assert/strict';
import { DisposedError, InvalidArgumentError } from '../../src/protocol/errors';
import type { ServerMessage } from '../../src/protocol/messages';
import { type ScriptedServer, send } from './support/scriptedServer';
import { useScriptedServer } from './support/scriptedClients';

const invalid = (message: string) => (e: unknown) => e instanceof InvalidArgumentError && e.message === message;

describe('InstamrktClient calls (scripted server)', () => {
  let server: ScriptedServer;
  const clients = useScriptedServer((started) => (server = started));

  describe('argument checks, before anything is sent', () => {
    it('an id of blanks only, or not text, is refused with "<what> must be a non-empty string."', async () => {
      const client = clients.make();
      await client.connect();
      const before = server.received.length;
      assert.throws(() => client.closeGameSource('   '), invalid('The source id must be a non-empty string.'));
      assert.throws(() => client.closeGame(' \t'), invalid('The game id must be a non-empty string.'));
      assert.throws(() => client.listGamesForSource(''), invalid('The source id must be a non-empty string.'));
      assert.throws(() => client.listUpcomingGamesForSource('  '), invalid('The source id must be a non-empty string.'));
      assert.throws(() => client.joinGame(7 as unknown as string), invalid('The game id must be a non-empty string.'));
      assert.equal(server.received.length, before);
    });

    it('a request expecting no response code is refused with its reason', async () => {
      const client = clients.make();
      assert.throws(() => client.request('ping', {}, []), invalid('A request must expect at least one response code.'));
    });

    it('openGameSource refuses a name that is not text, a description that is not text, and a description over 512 characters, each with its reason', async () => {
      const client = clients.make();
      await client.connect();
      const before = server.received.length;
      assert.throws(() => client.openGameSource(5 as unknown as string), invalid('A game source needs a name.'));
      assert.throws(() => client.openGameSource(' '), invalid('A game source needs a name.'));
      assert.throws(() => client.openGameSource('ok.example', 5 as unknown as string), invalid('The description must be text.'));
      assert.throws(() => client.openGameSource('ok.example', 'x'.repeat(513)), invalid('The description is 513 characters long; at most 512 are allowed.'));
      assert.equal(server.received.length, before);
    });

    it('a disposed client throws DisposedError from every call, even for arguments that are also wrong', () => {
      const client = clients.make();
      client.dispose();
      assert.throws(() => client.openGameSource(''), DisposedError);
      assert.throws(() => client.closeGameSource(''), DisposedError);
      assert.throws(() => client.closeGame(''), DisposedError);
      assert.throws(() => client.listGamesForSource(''), DisposedError);
      assert.throws(() => client.listUpcomingGamesForSource(''), DisposedError);
      assert.throws(() => client.joinGame(''), DisposedError);
      assert.throws(() => client.request('ping', {}, []), DisposedError);
    });
  });

  describe('what is sent', () => {
    it('openGameSource sends a description as "description", and none at all for an empty one', async () => {
      server.handler = (r, s) => {
        if (r.op !== 365) return false;
        send(s, 335, { source_id: `s${r.body.source_name as string}` });
        return true;
      };
      const client = clients.make();
      await client.connect();
      assert.equal(await client.openGameSource('with', 'the text'), 'swith');
      assert.equal(await client.openGameSource('empty', ''), 'sempty');
      assert.equal(await client.openGameSource('none'), 'snone');
      const sent = server.received.filter((r) => r.op === 365).map((r) => r.body);
      assert.equal(sent[0].description, 'the text');
      assert.ok(!('description' in sent[1]), `no description key for '': ${JSON.stringify(sent[1])}`);
      assert.ok(!('description' in sent[2]), `no description key when none is given: ${JSON.stringify(sent[2])}`);
    });
  });

  describe('which reply answers', () => {
    it('joinGame takes only the game_joined that echoes its game id; one for another game is an event', async () => {
      server.handler = (r, s) => {
        if (r.op !== 363) return false;
        send(s, 333, { game_id: 'another-game' });
        send(s, 333, { game_id: r.body.game_id as string });
        return true;
      };
      const client = clients.make();
      const events: ServerMessage[] = [];
      client.onEvent((m) => events.push(m));
      await client.connect();
      await client.joinGame('my-game');
      assert.deepEqual(events.map((m) => [m.res, m.body]), [[333, { game_id: 'another-game' }]]);
    });
  });

  describe('ping', () => {
    it('resolves with the round trip, no longer than the time the call took as measured around it, and records it as latencyMs', async () => {
      const client = clients.make();
      await client.connect();
      const before = performance.now();
      const ms = await client.ping();
      const took = performance.now() - before;
      assert.ok(ms >= 0 && ms <= took, `round trip ${ms} ms, the call took ${took} ms`);
      assert.equal(client.latencyMs, ms);
    });
  });
});
