// Connecting and reconnecting, against the scripted server over real sockets:
// the backoff schedule across a successful reconnect, the code table each
// connection uses, and what a refused logon means.
import * as assert from 'node:assert/strict';
import { DEFAULT_OPS, DEFAULT_RESPONSES } from '../../src/protocol/codes';
import { AuthenticationError } from '../../src/protocol/errors';
import { type ScriptedServer, send } from './support/scriptedServer';
import { useScriptedServer } from './support/scriptedClients';
import { nextEvent, waitFor } from './support/wait';

describe('InstamrktClient connecting (scripted server)', () => {
  let server: ScriptedServer;
  const clients = useScriptedServer((started) => (server = started));

  describe('backoff', () => {
    it('resets after a successful reconnect: the delay after a later drop is the first-step delay again', async () => {
      // 10 ms, then 100 ms, then 1 s: after two refusals, a counter that was not reset would wait 1 s.
      server.refuseHandshake = (attempt) => (attempt <= 2 ? 503 : undefined);
      const client = clients.make({ reconnect: { initialDelayMs: 10, maxDelayMs: 60_000, factor: 10, jitter: 0 } });
      const delays: number[] = [];
      client.onDidChangeState((e) => {
        if (e.nextRetryAt !== undefined) delays.push(e.nextRetryAt - Date.now());
      });
      const up = nextEvent(client.onDidChangeState, (e) => e.state === 'connected', 'the third attempt to connect');
      await client.connect().catch(() => undefined);
      await up;
      assert.equal(server.attempts, 3);
      assert.equal(delays.length, 2);
      assert.ok(delays[1] > 10, `the second retry waited longer than the first (${delays[1]} ms)`);

      const scheduled = nextEvent(client.onDidChangeState, (e) => e.nextRetryAt !== undefined, 'a retry after the drop');
      server.dropAll();
      const e = await scheduled;
      // nextRetryAt is set before the event is fired, so it is at most the delay ahead of now.
      const delay = (e.nextRetryAt as number) - Date.now();
      assert.ok(delay <= 10, `the retry after the drop is due in ${delay} ms; the first step is 10 ms`);
      await waitFor(() => client.state === 'connected', 'the reconnect');
    });
  });

  describe('code tables', () => {
    it('starts each connection from the documented codes: a reconnect whose get_opcodes fails keeps nothing of the last table', async () => {
      server.handler = (r, s) => {
        if (r.op === DEFAULT_OPS.get_opcodes) {
          if (r.connection === 1) send(s, DEFAULT_RESPONSES.opcodes, { opcodes: { ...DEFAULT_OPS, open_game_source: 9365 }, response_codes: { ...DEFAULT_RESPONSES, game_source_opened: 9335 } });
          else send(s, 666, { text: 'get_opcodes is not available' });
          return true;
        }
        if (r.op === 9365) send(s, 9335, { source_id: `renumbered-on-${r.connection}` });
        else if (r.op === DEFAULT_OPS.open_game_source) send(s, DEFAULT_RESPONSES.game_source_opened, { source_id: `documented-on-${r.connection}` });
        else return false;
        return true;
      };
      const client = clients.make({ reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await client.connect();
      assert.equal(await client.openGameSource('one.example'), 'renumbered-on-1');
      assert.ok(clients.logLines.some((l) => /Using the server's code table/.test(l)), 'the log says the server’s table is in use');
      const logged = clients.logLines.length;

      const back = nextEvent(client.onDidReconnect, () => true, 'the reconnect');
      server.dropAll();
      await back;
      assert.equal(client.codes.op('open_game_source'), DEFAULT_OPS.open_game_source);
      assert.equal(await client.openGameSource('two.example'), 'documented-on-2');
      assert.deepEqual(server.received.filter((r) => r.connection === 2).map((r) => r.op), [100, 2, 365]);
      const since = clients.logLines.slice(logged);
      assert.ok(since.some((l) => /documented codes/.test(l) && /get_opcodes is not available/.test(l)), 'the log says the documented codes are in use, and why');
      assert.ok(!since.some((l) => /Using the server's code table/.test(l)));
    });

    it('says in the log that it uses the documented codes when asked not to read the server’s table', async () => {
      const client = clients.make({ fetchOpcodes: false });
      await client.connect();
      assert.ok(clients.logLines.some((l) => /documented codes/.test(l)));
    });
  });

  describe('logon refused', () => {
    for (const res of [110, 666]) {
      it(`fails with AuthenticationError carrying the server's text when logon is answered ${res}, and schedules no retry`, async () => {
        server.logonRes = res;
        const client = clients.make({ reconnect: { initialDelayMs: 1, maxDelayMs: 5 } });
        const seen = clients.states(client);
        const err = await client.connect().then(() => undefined, (e: unknown) => e);
        assert.ok(err instanceof AuthenticationError, String(err));
        assert.equal(err.message, 'The server refused the logon: Session not valid');
        assert.equal(client.state, 'disconnected');
        assert.equal(client.nextRetryAt, undefined);
        assert.ok(seen.at(-1)?.error instanceof AuthenticationError);
        assert.equal(seen.at(-1)?.nextRetryAt, undefined);
        assert.equal(server.attempts, 1);
      });
    }
  });
});
