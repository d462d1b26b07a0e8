// Connecting and reconnecting, against the scripted server over real sockets:
// the backoff schedule across a successful reconnect, the code table each
// connection uses, and what a refused logon means.
import * as assert from 'node:assert/strict';
import { ScriptedServer, startScriptedServer } from './support/scriptedServer';
import { ScriptedClients } from './support/scriptedClients';
import { nextEvent, waitFor } from './support/wait';

describe('InstamrktClient connecting (scripted server)', () => {
  let server: ScriptedServer;
  const clients = new ScriptedClients(() => server);

  beforeEach(async () => {
    server = await startScriptedServer();
  });

  afterEach(async () => {
    clients.disposeAll();
    await server.close();
  });

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
});
