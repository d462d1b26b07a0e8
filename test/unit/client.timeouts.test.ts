// What a request timeout does to a connection, against the scripted server over
// real sockets: replies carry no request id, so after any timeout nothing that
// arrives later on that socket may answer a later request (the socket is
// closed, at once and visibly), and the timeout reads right in any unit.
import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { DEFAULT_OPS, DEFAULT_RESPONSES } from '../../src/protocol/codes';
import { ConnectionFailedError, ConnectionLostError, NotConnectedError, RequestTimeoutError } from '../../src/protocol/errors';
import { type ScriptedServer, send } from './support/scriptedServer';
import { useScriptedServer } from './support/scriptedClients';
import { waitFor } from './support/wait';

describe('InstamrktClient timeouts (scripted server)', () => {
  let server: ScriptedServer;
  const clients = useScriptedServer((started) => (server = started));

  describe('a get_opcodes that times out while connecting', () => {
    // Connection 1 holds get_opcodes past the timeout and answers it late, just before whatever comes next.
    const lateAnswers: [string, (s: WebSocket) => void][] = [
      ['a late 666', (s) => send(s, 666, { text: 'late refusal of get_opcodes' })],
      ['a late opcodes reply', (s) => send(s, DEFAULT_RESPONSES.opcodes, { opcodes: { ...DEFAULT_OPS, ping: 4001 }, response_codes: { ...DEFAULT_RESPONSES, pong: 4001 } })],
    ];
    for (const [what, sendLate] of lateAnswers) {
      it(`closes that socket and reconnects, so ${what} reaches no later request`, async () => {
        server.handler = (r, s) => {
          if (r.op === DEFAULT_OPS.get_opcodes && r.connection === 1) return true;
          if (r.op === DEFAULT_OPS.get_opcodes && r.body.test === 'late') {
            if (r.connection === 1) sendLate(s);
            send(s, DEFAULT_RESPONSES.opcodes, { opcodes: DEFAULT_OPS, response_codes: DEFAULT_RESPONSES, on: r.connection });
            return true;
          }
          if (r.op !== DEFAULT_OPS.list_game_sources_i_am_admin_of) return false;
          if (r.connection === 1) sendLate(s);
          send(s, 621, { sources: [{ id: `from-connection-${r.connection}`, name: 'x' }] });
          return true;
        };
        const client = clients.make({ requestTimeoutMs: 300, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
        const seen = clients.states(client);
        const first = await client.connect().then(() => undefined, (e: unknown) => e);
        await waitFor(() => client.state === 'connected', 'a connection');

        assert.deepEqual((await client.listGameSources()).map((s) => s.id), ['from-connection-2']);
        const table = await client.request('get_opcodes', { test: 'late' }, ['opcodes']);
        assert.equal(table.body.opcodes.ping, DEFAULT_OPS.ping, 'the code table came from this connection');
        assert.equal(server.accepted, 2);
        await waitFor(() => server.connections.get(1)?.readyState === WebSocket.CLOSED, 'the first socket to be closed');
        // The first attempt failed, and said why.
        assert.ok(first instanceof Error && /get_opcodes/.test(first.message), String(first));
        const down = seen.find((e) => e.state === 'disconnected');
        assert.ok(down?.error && /get_opcodes/.test(down.error.message), 'the disconnected state names the timeout');
        assert.equal(typeof down.nextRetryAt, 'number');
      });
    }

    it('fails the attempt and does not connect on that socket when reconnection is off', async () => {
      server.handler = (r) => r.op === DEFAULT_OPS.get_opcodes; // never answered
      const client = clients.make({ requestTimeoutMs: 200 });
      const err = await client.connect().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof Error && /get_opcodes/.test(err.message), String(err));
      assert.equal(client.state, 'disconnected');
      assert.equal(client.pendingCount, 0);
      await waitFor(() => server.sockets.size === 0, 'the socket to be closed');
    });
  });

  describe('a logon that times out', () => {
    it('fails the attempt with ConnectionFailedError naming logon, closes that socket and retries on a new one', async () => {
      server.logonRes = undefined; // never answered on the first connection
      server.handler = (r, s) => {
        if (r.op !== DEFAULT_OPS.logon || r.connection === 1) return false;
        send(s, DEFAULT_RESPONSES.logon_success, { session_key: 'k' });
        return true;
      };
      const client = clients.make({ requestTimeoutMs: 200, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      const err = await client.connect().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ConnectionFailedError, String(err));
      assert.equal(err.message, 'The server did not answer logon within 200 ms while connecting.');
      await waitFor(() => client.state === 'connected', 'the retry to connect');
      assert.equal(server.accepted, 2);
      await waitFor(() => server.connections.get(1)?.readyState === WebSocket.CLOSED, 'the first socket to be closed');
    });
  });

  describe('a request that times out while connected', () => {
    it('is no longer connected at the instant the timeout is reported, and the state says why', async () => {
      server.handler = (r) => r.op === DEFAULT_OPS.list_game_sources_i_am_admin_of; // never answered
      const client = clients.make({ requestTimeoutMs: 200 });
      await client.connect();
      const seen = clients.states(client);
      const outcome = await client.listGameSources().then(
        () => assert.fail('the list was answered'),
        (error: unknown) => ({ error, state: client.state, changes: seen.length }),
      );
      assert.ok(outcome.error instanceof RequestTimeoutError, String(outcome.error));
      assert.equal(outcome.state, 'disconnected');
      assert.equal(outcome.changes, 1, 'the state change was published before the timeout was reported');
      assert.equal(seen[0].state, 'disconnected');
      assert.match(seen[0].error?.message ?? '', /list_game_sources_i_am_admin_of/);
      assert.ok(seen[0].error instanceof ConnectionLostError);
      await assert.rejects(client.ping(), NotConnectedError);
    });

    it('fails the other pending requests as outcome unknown, reconnects and says the lists must be re-read', async () => {
      server.handler = (r) => r.connection === 1 && (r.op === DEFAULT_OPS.list_game_sources_i_am_admin_of || r.op === DEFAULT_OPS.open_game_source);
      const client = clients.make({ requestTimeoutMs: 200, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await client.connect();
      const seen = clients.states(client);
      const list = client.listGameSources().then(() => undefined, (e: unknown) => e);
      const open = client.openGameSource('unknown.example').then(() => undefined, (e: unknown) => e);
      assert.ok((await list) instanceof RequestTimeoutError);
      // Sent a moment later, the open either fails with the dropped socket or (when both deadlines passed by the same tick) times out too.
      const other = await open;
      assert.ok((other instanceof ConnectionLostError || other instanceof RequestTimeoutError) && /outcome unknown/.test(other.message), String(other));
      await waitFor(() => client.state === 'connected', 'the reconnect');
      assert.equal(seen.at(-1)?.reconnected, true);
      assert.equal(server.received.filter((r) => r.op === DEFAULT_OPS.open_game_source).length, 1, 'the open was not re-sent');
    });
  });

  describe('RequestTimeoutError', () => {
    it('reads right for sub-second, fractional and whole-second timeouts', () => {
      assert.equal(new RequestTimeoutError('ping', 400).message, 'No reply to ping within 400 ms — outcome unknown.');
      assert.equal(new RequestTimeoutError('ping', 500).message, 'No reply to ping within 500 ms — outcome unknown.');
      assert.equal(new RequestTimeoutError('ping', 1500).message, 'No reply to ping within 1.5 s — outcome unknown.');
      assert.equal(new RequestTimeoutError('ping', 30_000).message, 'No reply to ping within 30 s — outcome unknown.');
      assert.equal(new RequestTimeoutError('ping', 30_000).timeoutMs, 30_000);
    });
  });
});
