// The connection state machine (connection.ts) against the scripted server
// over real sockets: the events it publishes and when, what a stale attempt
// may still do, what disconnect() and dispose() leave behind, and what it logs.
import * as assert from 'node:assert/strict';
import { CodeTable } from '../../src/protocol/codes';
import type { Credentials } from '../../src/protocol/clientOptions';
import { AuthenticationError, ConnectionLostError, DisposedError, NotConnectedError } from '../../src/protocol/errors';
import { type ScriptedServer, send } from './support/scriptedServer';
import { SESSION_KEY, useScriptedServer } from './support/scriptedClients';
import { nextEvent, waitFor } from './support/wait';

/** Credentials the test hands out by hand, one call at a time. */
class HeldCredentials {
  readonly calls: { resolve(c: Credentials | undefined): void; reject(e: Error): void }[] = [];
  readonly read = (): Promise<Credentials | undefined> => new Promise((resolve, reject) => this.calls.push({ resolve, reject }));
}

const GOOD: Credentials = { userId: '7', sessionKey: SESSION_KEY };
const FAST_RETRY = { initialDelayMs: 10, maxDelayMs: 10, jitter: 0 };

describe('Connection lifecycle (scripted server)', () => {
  let server: ScriptedServer;
  const clients = useScriptedServer((started) => (server = started));

  describe('before any connection', () => {
    it('a new client is disconnected and uses the documented code table', () => {
      const client = clients.make();
      assert.equal(client.state, 'disconnected');
      assert.equal(client.codes, CodeTable.documented);
    });

    it('disconnect() on a client that never connected publishes no state change and logs no closing', () => {
      const client = clients.make();
      const states = clients.states(client);
      client.disconnect();
      assert.deepEqual(states, []);
      assert.ok(!clients.logLines.some((l) => /Closing the connection/.test(l)), clients.logLines.join('\n'));
    });
  });

  describe('state events', () => {
    it('the first connection publishes exactly connecting then connected, with no error, retry time or reconnected flag', async () => {
      const client = clients.make();
      const states = clients.states(client);
      let reconnects = 0;
      client.onDidReconnect(() => reconnects++);
      await client.connect();
      assert.deepStrictEqual(states, [
        { state: 'connecting', previous: 'disconnected' },
        { state: 'connected', previous: 'connecting' },
      ]);
      assert.equal(reconnects, 0);
      assert.ok(clients.logLines.includes('debug State disconnected → connecting'), clients.logLines.join('\n'));
    });

    it('a first connection that succeeds only on a retry is still no reconnect', async () => {
      server.refuseHandshake = (attempt) => (attempt === 1 ? 503 : undefined);
      const client = clients.make({ reconnect: FAST_RETRY });
      let reconnects = 0;
      client.onDidReconnect(() => reconnects++);
      const up = nextEvent(client.onDidChangeState, (e) => e.state === 'connected', 'the retry to connect');
      await client.connect().catch(() => undefined);
      const e = await up;
      assert.equal(e.reconnected, undefined);
      assert.equal(reconnects, 0);
      assert.equal(server.attempts, 2);
    });

    it('connecting again after disconnect() is no reconnect either (nothing was lost)', async () => {
      const client = clients.make();
      let reconnects = 0;
      client.onDidReconnect(() => reconnects++);
      await client.connect();
      client.disconnect();
      const up = nextEvent(client.onDidChangeState, (e) => e.state === 'connected', 'the second connection');
      await client.connect();
      assert.equal((await up).reconnected, undefined);
      assert.equal(reconnects, 0);
      assert.equal(server.accepted, 2);
    });

    it('after disconnect(), a connect() that fails and then succeeds on a retry is a reconnect: the lists may have changed meanwhile', async () => {
      server.refuseHandshake = (attempt) => (attempt === 2 ? 503 : undefined);
      const client = clients.make({ reconnect: FAST_RETRY });
      let reconnects = 0;
      client.onDidReconnect(() => reconnects++);
      await client.connect();
      client.disconnect();
      const up = nextEvent(client.onDidChangeState, (e) => e.state === 'connected', 'the retry to connect');
      await assert.rejects(client.connect());
      assert.equal((await up).reconnected, true);
      assert.equal(reconnects, 1);
      assert.equal(server.attempts, 3);
    });

    it('connect() while connected resolves at once without a new connection or a state change', async () => {
      const client = clients.make();
      await client.connect();
      const states = clients.states(client);
      await client.connect();
      assert.deepEqual(states, []);
      assert.equal(server.attempts, 1);
    });

    it('a socket that closes during logon publishes one disconnected state, with the attempt\'s error', async () => {
      server.handler = (r, s) => {
        if (r.op !== 100) return false;
        s.terminate();
        return true;
      };
      const client = clients.make();
      const states = clients.states(client);
      await assert.rejects(client.connect(), ConnectionLostError);
      assert.deepEqual(states.map((e) => e.state), ['connecting', 'disconnected']);
      assert.ok(states[1].error instanceof ConnectionLostError);
    });
  });

  describe('why a connection was lost', () => {
    /** Connects, has the server end the socket when it gets a ping, and returns the ping's rejection and the state published after. */
    async function loseOnPing(end: (socket: { close(code: number, reason: string): void; terminate(): void }) => void): Promise<{ pingError: Error; stateError: Error | undefined }> {
      server.handler = (r, socket) => {
        if (r.op !== 1) return false;
        end(socket);
        return true;
      };
      const client = clients.make({ reconnect: false });
      await client.connect();
      const down = nextEvent(client.onDidChangeState, (e) => e.state === 'disconnected', 'the drop');
      const pingError = await client.ping().then(
        () => assert.fail('the ping was answered'),
        (err: Error) => err,
      );
      return { pingError, stateError: (await down).error };
    }

    it('the server closing with a code and reason: the request in flight has an unknown outcome, the state names the code and reason only', async () => {
      const { pingError, stateError } = await loseOnPing((socket) => socket.close(4000, 'maintenance'));
      assert.ok(pingError instanceof ConnectionLostError);
      assert.equal(pingError.message, 'Connection lost — outcome unknown (closed by the server, code 4000: maintenance).');
      assert.ok(stateError instanceof ConnectionLostError);
      assert.equal(stateError.message, 'Connection lost (closed by the server, code 4000: maintenance).');
    });

    it('a socket dropped without a close frame (1006) is not said to be closed by the server', async () => {
      const { pingError, stateError } = await loseOnPing((socket) => socket.terminate());
      assert.equal(pingError.message, 'Connection lost — outcome unknown (dropped with code 1006, no close frame: the server stopped or the network failed).');
      assert.equal(stateError?.message, 'Connection lost (dropped with code 1006, no close frame: the server stopped or the network failed).');
    });
  });

  describe('an attempt abandoned by disconnect() (stale)', () => {
    it('rejects with "connection attempt cancelled" when its credentials arrive late, opens no socket, and leaves the newer attempt alone', async () => {
      const held = new HeldCredentials();
      const client = clients.make({ credentials: held.read });
      const first = client.connect();
      const firstOutcome = first.then(() => 'connected', (e: unknown) => e);
      await waitFor(() => held.calls.length === 1, 'the first credentials read');
      client.disconnect();
      const second = client.connect();
      await waitFor(() => held.calls.length === 2, 'the second credentials read');
      held.calls[0].resolve(GOOD);
      const err = await firstOutcome;
      assert.ok(err instanceof ConnectionLostError && /connection attempt cancelled/.test(err.message), String(err));
      assert.equal(server.attempts, 0, 'the stale attempt opened no socket');
      assert.equal(client.state, 'connecting', 'the stale failure did not end the newer attempt');
      assert.equal(client.lastError, undefined);
      assert.equal(client.connect(), second, 'connect() still shares the newer attempt');
      held.calls[1].resolve(GOOD);
      await second;
      assert.equal(server.accepted, 1);
    });
  });

  describe('an attempt that succeeds after a listener already started another', () => {
    it('does not forget the newer attempt: connect() still shares it', async () => {
      const held = new HeldCredentials();
      let reads = 0;
      const client = clients.make({ credentials: () => (++reads === 1 ? Promise.resolve(GOOD) : held.read()) });
      let second: Promise<void> | undefined;
      const sub = client.onDidChangeState((e) => {
        if (e.state !== 'connected') return;
        sub.dispose();
        client.disconnect();
        second = client.connect();
      });
      await client.connect();
      assert.ok(second !== undefined);
      assert.equal(client.state, 'connecting');
      assert.equal(client.connect(), second);
      held.calls[0].resolve(GOOD);
      await second;
      assert.equal(server.accepted, 2);
    });
  });

  describe('credentials', () => {
    it('credentials that cannot be read reject with AuthenticationError, keeping the cause', async () => {
      const boom = new Error('keychain locked');
      const client = clients.make({ credentials: () => Promise.reject(boom) });
      const err = await client.connect().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof AuthenticationError && err.message === 'Could not read the Instamrkt credentials.', String(err));
      assert.equal(err.cause, boom);
    });

    it('no credentials reject with "Not signed in to Instamrkt: no user id and session key."', async () => {
      const client = clients.make({ credentials: async () => undefined });
      await assert.rejects(client.connect(), (e: unknown) => e instanceof AuthenticationError && e.message === 'Not signed in to Instamrkt: no user id and session key.');
      assert.equal(server.attempts, 0);
    });
  });

  describe('disconnect() and dispose()', () => {
    it('disconnect() fails a pending request as disconnected by the client, closes the socket with code 1000 and that reason, and says so in the log', async () => {
      server.handler = (r) => r.op === 611;
      const client = clients.make();
      await client.connect();
      const closed = new Promise<[number, string]>((resolve) => server.connections.get(1)?.once('close', (code, reason) => resolve([code, reason.toString()])));
      const pending = client.listGameSources();
      await waitFor(() => server.received.some((r) => r.op === 611), 'the request to arrive');
      client.disconnect();
      await assert.rejects(pending, (e: unknown) => e instanceof ConnectionLostError && /disconnected by the client/.test(e.message));
      assert.deepEqual(await closed, [1000, 'disconnected by the client']);
      assert.ok(clients.logLines.includes('info Closing the connection: disconnected by the client.'), clients.logLines.join('\n'));
    });

    it('dispose() closes the socket with code 1000 and the reason "client disposed"', async () => {
      const client = clients.make();
      await client.connect();
      const closed = new Promise<[number, string]>((resolve) => server.connections.get(1)?.once('close', (code, reason) => resolve([code, reason.toString()])));
      client.dispose();
      assert.deepEqual(await closed, [1000, 'client disposed']);
    });

    it('disconnect() and dispose() each clear a scheduled retry: no retry time is left', async () => {
      for (const end of ['disconnect', 'dispose'] as const) {
        server.refuseHandshake = 503;
        const client = clients.make({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000 } });
        await client.connect().catch(() => undefined);
        assert.ok(client.nextRetryAt !== undefined, 'a retry is scheduled');
        client[end]();
        assert.equal(client.nextRetryAt, undefined, end);
        assert.equal(client.state, 'disconnected', end);
      }
    });

    it('connect() after dispose() rejects with DisposedError and the state stays disconnected', async () => {
      const client = clients.make();
      client.dispose();
      await assert.rejects(client.connect(), DisposedError);
      assert.equal(client.state, 'disconnected');
      assert.equal(server.attempts, 0);
    });

    it('dispose() while the credentials are read makes connect() reject with DisposedError, even when the read then fails', async () => {
      const held = new HeldCredentials();
      const client = clients.make({ credentials: held.read });
      const attempt = client.connect().then(() => undefined, (e: unknown) => e);
      await waitFor(() => held.calls.length === 1, 'the credentials read');
      client.dispose();
      held.calls[0].reject(new Error('keychain locked'));
      assert.ok((await attempt) instanceof DisposedError);
    });
  });

  describe('a failed attempt', () => {
    it('a refused logon closes the socket it opened, and is logged as an error', async () => {
      server.logonRes = 110;
      const client = clients.make();
      await assert.rejects(client.connect(), AuthenticationError);
      await waitFor(() => server.sockets.size === 0, 'the server to see the socket closed');
      assert.ok(clients.logLines.some((l) => l.startsWith('error Connection attempt failed: ')), clients.logLines.join('\n'));
    });

    it('a refused handshake is logged as a warning, with the retry time in the log', async () => {
      server.refuseHandshake = 503;
      const client = clients.make({ reconnect: { initialDelayMs: 60_000, maxDelayMs: 60_000, jitter: 0 } });
      await client.connect().catch(() => undefined);
      assert.ok(clients.logLines.some((l) => l.startsWith('warn Connection attempt failed: ')), clients.logLines.join('\n'));
      assert.ok(clients.logLines.includes('info Reconnecting in 60 s.'), clients.logLines.join('\n'));
    });
  });

  describe('while connected', () => {
    it('a request made during logon is refused with NotConnectedError and never sent', async () => {
      let refused: unknown;
      server.handler = (r, s) => {
        if (r.op !== 100) return false;
        refused = client.listGameSources().then(() => 'sent', (e: unknown) => e);
        setImmediate(() => send(s, 100, { session_key: 'server-side' }));
        return true;
      };
      const client = clients.make();
      await client.connect();
      assert.ok((await refused) instanceof NotConnectedError);
      assert.ok(!server.received.some((r) => r.op === 611));
    });

    it('an unanswered ping() of the caller (keep-alive off) ends the connection as a request that timed out, not as a failed keep-alive', async () => {
      server.answerPings = false;
      const client = clients.make({ requestTimeoutMs: 100 });
      await client.connect();
      const down = nextEvent(client.onDidChangeState, (e) => e.state === 'disconnected', 'the connection to end');
      await assert.rejects(client.ping());
      assert.equal((await down).error?.message, 'Connection lost (no reply to ping in time; later replies could no longer be matched).');
    });

    it('a drop is logged as a warning naming why, and a request\'s trace line reaches the logger', async () => {
      server.handler = (r, s) => {
        if (r.op !== 611) return false;
        send(s, 621, { sources: [] });
        return true;
      };
      const client = clients.make();
      await client.connect();
      await client.listGameSources();
      assert.ok(clients.logLines.includes('trace → list_game_sources_i_am_admin_of'), clients.logLines.join('\n'));
      const down = nextEvent(client.onDidChangeState, (e) => e.state === 'disconnected', 'the drop');
      server.dropAll();
      await down;
      assert.ok(clients.logLines.some((l) => l.startsWith('warn Connection lost: ')), clients.logLines.join('\n'));
    });
  });
});
