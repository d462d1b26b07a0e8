// InstamrktClient against a small server that misbehaves on purpose: no
// replies, garbage frames, refused handshakes and logons, dropped sockets.
import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { ClientOptions, InstamrktClient, StateChangeEvent } from '../../src/protocol/client';
import {
  AuthenticationError,
  ConnectionFailedError,
  ConnectionLostError,
  DisposedError,
  InsecureUrlError,
  InvalidArgumentError,
  NotConnectedError,
  ProtocolError,
  RequestTimeoutError,
  ServerError,
} from '../../src/protocol/errors';
import { HostingClient } from '../fixtures/hostingClient';
import { ServerMessage } from '../../src/protocol/messages';
import { ScriptedServer, send, startScriptedServer } from './support/scriptedServer';
import { nextEvent, waitFor } from './support/wait';

const SESSION_KEY = 'SESSION-KEY-never-on-the-wire';

/**
 * Every test of this file ends with its own check that, whatever happened, no
 * secret reached the log (not a hook, whose failure would skip the tests after
 * it). The lines are those its clients logged during the test.
 */
function it(title: string, test: () => Promise<void> | void): Mocha.Test {
  return globalThis.it(title, async () => {
    await test();
    // Disposed here, so that what they log on the way out is checked too (afterEach then finds none left).
    for (const c of clients.splice(0)) c.dispose();
    for (const line of logLines) {
      assert.ok(!line.includes(SESSION_KEY), `secret in log: ${line}`);
      assert.ok(!/[0-9a-f]{64}/.test(line), `digest in log: ${line}`);
    }
  });
}
let logLines: string[] = [];
const clients: InstamrktClient[] = [];

describe('InstamrktClient (scripted server)', () => {
  let server: ScriptedServer;

  function makeClient(overrides: Partial<ClientOptions> = {}): HostingClient {
    const log = (level: string) => (msg: string) => logLines.push(`${level} ${msg}`);
    const client = new HostingClient({
      serverUrl: server.wsUrl,
      credentials: async () => ({ userId: '7', sessionKey: SESSION_KEY }),
      keepAliveMs: 0,
      reconnect: false,
      logger: { trace: log('trace'), debug: log('debug'), info: log('info'), warn: log('warn'), error: log('error') },
      ...overrides,
    });
    clients.push(client);
    return client;
  }

  function states(client: InstamrktClient): StateChangeEvent[] {
    const seen: StateChangeEvent[] = [];
    client.onDidChangeState((e) => seen.push(e));
    return seen;
  }

  beforeEach(async () => {
    logLines = [];
    server = await startScriptedServer();
  });

  afterEach(async () => {
    for (const c of clients.splice(0)) c.dispose();
    await server.close();
  });

  describe('connect', () => {
    it('opens the socket, logs on (100), reads the code table (2) and only then is connected', async () => {
      const client = makeClient();
      const seen = states(client);
      await client.connect();
      assert.equal(client.state, 'connected');
      assert.deepEqual(seen.map((e) => e.state), ['connecting', 'connected']);
      assert.deepEqual(server.received.map((r) => r.op), [100, 2]);
      assert.ok(logLines.some((l) => l.startsWith('info Connecting to ws://127.0.0.1') && l.includes('id=7')), 'the redacted URL is logged');
    });

    it('does not offer permessage-deflate, even to a server that would compress', async () => {
      const willing = await startScriptedServer({ perMessageDeflate: true });
      try {
        // The control: ws's own default client is offered compression by this server and takes it.
        const plain = new WebSocket(willing.wsUrl);
        await new Promise<void>((resolve, reject) => {
          plain.once('open', resolve);
          plain.once('error', reject);
        });
        assert.match(plain.extensions, /permessage-deflate/);
        plain.terminate();
        await waitFor(() => willing.sockets.size === 0, 'the control connection to close');

        const client = makeClient({ serverUrl: willing.wsUrl });
        await client.connect();
        await client.ping();
        assert.equal(willing.handshakeHeaders.length, 2);
        assert.equal(willing.handshakeHeaders[1]['sec-websocket-extensions'], undefined);
        const [serverSide] = [...willing.sockets];
        assert.equal(serverSide.extensions, '');
        client.dispose();
      } finally {
        await willing.close();
      }
    });

    it('never sends the session key (not in the header, not anywhere)', async () => {
      const client = makeClient();
      await client.connect();
      await client.ping();
      for (const r of server.received) {
        assert.ok(!JSON.stringify(r.body).includes(SESSION_KEY));
        assert.deepEqual(Object.keys(r.body.header as object).sort(), ['api_version', 't']);
      }
    });

    it('skips get_opcodes when fetchOpcodes is false', async () => {
      const client = makeClient({ fetchOpcodes: false });
      await client.connect();
      assert.equal(client.state, 'connected');
      assert.deepEqual(server.received.map((r) => r.op), [100]);
    });

    it('counts logon 112 (already logged on) as success', async () => {
      server.logonRes = 112;
      const client = makeClient();
      await client.connect();
      assert.equal(client.state, 'connected');
      assert.equal(client.lastError, undefined);
      // Connected only after the code table was read, as after a 100.
      assert.deepEqual(server.received.map((r) => r.op), [100, 2]);
    });

    it('rejects with AuthenticationError on logon 110 and does not retry', async () => {
      server.logonRes = 110;
      const client = makeClient({ reconnect: { initialDelayMs: 1, maxDelayMs: 5 } });
      const seen = states(client);
      await assert.rejects(client.connect(), AuthenticationError);
      assert.equal(client.state, 'disconnected');
      assert.equal(client.nextRetryAt, undefined);
      assert.ok(client.lastError instanceof AuthenticationError);
      assert.ok(seen.at(-1)?.error instanceof AuthenticationError);
      // A retry would be due within 5 ms (maxDelayMs); the server's record after 20 times that shows none came.
      server.logonRes = 100;
      await new Promise((resolve) => setTimeout(resolve, 100));
      assert.equal(server.attempts, 1);
      assert.deepEqual(server.received.map((r) => [r.connection, r.op]), [[1, 100]]);
      assert.equal(client.state, 'disconnected');
    });

    it('turns an HTTP 401 refusal of the handshake into AuthenticationError, with no reconnect loop', async () => {
      server.refuseHandshake = 401;
      const client = makeClient({ reconnect: { initialDelayMs: 1, maxDelayMs: 5 } });
      const err = await client.connect().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof AuthenticationError, String(err));
      assert.match(err.message, /401/);
      assert.equal(client.state, 'disconnected');
      assert.equal(client.nextRetryAt, undefined);
      assert.equal(server.attempts, 1);
    });

    it('reports another HTTP refusal as ConnectionFailedError with the status, and schedules a retry', async () => {
      server.refuseHandshake = 503;
      const client = makeClient({ reconnect: { initialDelayMs: 10_000, maxDelayMs: 20_000, jitter: 0 } });
      const before = Date.now();
      const err = await client.connect().then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ConnectionFailedError, String(err));
      assert.equal(err.status, 503);
      assert.ok(client.nextRetryAt !== undefined && client.nextRetryAt >= before + 10_000 && client.nextRetryAt <= Date.now() + 10_000);
    });

    it('applies jitter from the given random source to the retry delay', async () => {
      server.refuseHandshake = 503;
      const client = makeClient({ reconnect: { initialDelayMs: 10_000, maxDelayMs: 60_000, jitter: 0.5 }, random: () => 0 });
      const before = Date.now();
      await assert.rejects(client.connect(), ConnectionFailedError);
      const due = client.nextRetryAt ?? 0;
      assert.ok(due >= before + 5000 && due <= Date.now() + 5000, `retry due in ${due - before} ms, expected 5000`);
    });

    it('rejects with AuthenticationError and opens nothing when there are no credentials', async () => {
      const client = makeClient({ credentials: async () => undefined, reconnect: {} });
      await assert.rejects(client.connect(), AuthenticationError);
      assert.equal(server.attempts, 0);
      assert.equal(client.nextRetryAt, undefined);
    });

    it('falls back to the documented codes when get_opcodes answers 666', async () => {
      server.opcodes = 'error';
      const client = makeClient();
      await client.connect();
      assert.equal(client.state, 'connected');
      assert.equal(client.codes.op('open_game_source'), 365);
      assert.ok(logLines.some((l) => l.startsWith('warn') && l.includes('get_opcodes is not available')));
    });

    it('speaks the codes the server announced', async () => {
      server.opcodes = { opcodes: { open_game_source: 9365 }, response_codes: { game_source_opened: 9335 } };
      server.handler = (r, s) => {
        if (r.op !== 9365) return false;
        send(s, 9335, { source_id: 'remapped' });
        return true;
      };
      const client = makeClient();
      await client.connect();
      assert.equal(await client.openGameSource('remapped.example'), 'remapped');
    });

    it('refuses ws:// to a host that is not loopback before doing anything', () => {
      assert.throws(() => new InstamrktClient({ serverUrl: 'ws://example.com:9999', credentials: async () => undefined }), InsecureUrlError);
    });

    it('refuses bad options at once', () => {
      const credentials = async () => undefined;
      assert.throws(() => new InstamrktClient({ serverUrl: server.wsUrl, credentials, requestTimeoutMs: 0 }), InvalidArgumentError);
      assert.throws(() => new InstamrktClient({ serverUrl: server.wsUrl, credentials, reconnect: { factor: 0.5 } }), InvalidArgumentError);
      assert.throws(() => new InstamrktClient({ serverUrl: server.wsUrl, credentials, reconnect: { jitter: 2 } }), InvalidArgumentError);
      assert.throws(() => new InstamrktClient({ serverUrl: `${server.wsUrl}/#frag`, credentials }), InvalidArgumentError);
      assert.throws(() => new InstamrktClient({ serverUrl: 'https://instamrkt.com', credentials }), InvalidArgumentError);
    });

    it('shares one attempt between concurrent connect() calls', async () => {
      const client = makeClient();
      await Promise.all([client.connect(), client.connect(), client.connect()]);
      assert.equal(server.accepted, 1);
    });
  });

  describe('requests', () => {
    it('reject with NotConnectedError while not connected, and send nothing', async () => {
      const client = makeClient();
      await assert.rejects(client.listGameSources(), NotConnectedError);
      assert.equal(server.received.length, 0);
    });

    it('throw InvalidArgumentError at once for bad arguments, sending nothing', async () => {
      const client = makeClient();
      await client.connect();
      const before = server.received.length;
      assert.throws(() => client.openGameSource('   '), InvalidArgumentError);
      assert.throws(() => client.openGameSource('ok.example', 'x'.repeat(513)), InvalidArgumentError);
      assert.throws(() => client.closeGameSource(''), InvalidArgumentError);
      assert.throws(() => client.listGamesForSource(undefined as unknown as string), InvalidArgumentError);
      assert.throws(() => client.request('ping', {}, []), InvalidArgumentError);
      assert.equal(client.pendingCount, 0);
      await client.ping();
      assert.deepEqual(server.received.slice(before).map((r) => r.op), [1]);
    });

    it('count the description in characters: 512 emoji are allowed, the name is trimmed', async () => {
      server.handler = (r, s) => {
        if (r.op !== 365) return false;
        send(s, 335, { source_id: 'e' });
        return true;
      };
      const client = makeClient();
      await client.connect();
      await client.openGameSource('  trimmed.example  ', '😀'.repeat(512));
      const sent = server.received.find((r) => r.op === 365);
      assert.equal(sent?.body.source_name, 'trimmed.example');
      assert.equal(sent?.body.description, '😀'.repeat(512));
    });

    it('time out with RequestTimeoutError, then end the connection so no late reply can be taken for another request', async () => {
      // 611 is never answered on the first connection, answered on later ones.
      server.handler = (r, s) => {
        if (r.op !== 611) return false;
        if (r.connection > 1) send(s, 621, { sources: [{ id: 's1', name: 'one' }] });
        return true;
      };
      const client = makeClient({ requestTimeoutMs: 150, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await client.connect();
      const started = Date.now();
      const first = client.listGameSources().then(() => undefined, (e: unknown) => e);
      await waitFor(() => server.received.filter((r) => r.op === 611).length === 1, 'the first request to arrive');
      const second = client.listGameSources().then(() => undefined, (e: unknown) => e);
      const err = await first;
      assert.ok(err instanceof RequestTimeoutError, String(err));
      assert.equal(err.opName, 'list_game_sources_i_am_admin_of');
      assert.ok(Date.now() - started >= 140);
      const other = await second;
      // Outcome unknown either way. Which error depends on machine speed: when a busy event loop runs the
      // first timer late, the second request's own deadline may have passed too (then it timed out as well).
      assert.ok(
        (other instanceof ConnectionLostError || other instanceof RequestTimeoutError) && /outcome unknown/.test(other.message),
        `a request pending on the abandoned socket fails as outcome unknown, not ${String(other)}`,
      );
      assert.equal(client.pendingCount, 0);
      await waitFor(() => client.state === 'connected' && server.accepted === 2, 'the client to reconnect');
      assert.deepEqual((await client.listGameSources()).map((x) => x.id), ['s1']);
      assert.equal(server.received.filter((r) => r.op === 611).length, 3, 'nothing was re-sent: two on the first socket, one on the new');
    });

    it('route a 666 to the oldest pending request only', async () => {
      server.handler = (r, s) => {
        if (r.op === 611) send(s, 621, { sources: [{ id: 's1', name: 'one' }] });
        else if (r.op === 365) send(s, 666, { text: 'You are not authorized to open a game source.' });
        else return false;
        return true;
      };
      const client = makeClient();
      await client.connect();
      const [a, b, c] = await Promise.allSettled([client.listGameSources(), client.openGameSource('x.example'), client.listGameSources()]);
      assert.equal(a.status, 'fulfilled');
      assert.equal(c.status, 'fulfilled');
      assert.equal(b.status, 'rejected');
      assert.ok(b.reason instanceof ServerError);
      assert.equal(b.reason.text, 'You are not authorized to open a game source.');
      assert.equal(b.reason.message, 'You are not authorized to open a game source.');
    });

    it('match replies by echoed ids even when they come back in another order', async () => {
      const held: { socket: import('ws').WebSocket; id: string }[] = [];
      server.handler = (r, s) => {
        if (r.op !== 380) return false;
        held.push({ socket: s, id: String(r.body.source_id) });
        if (held.length === 2) {
          for (const h of held.reverse()) send(h.socket, 345, { source_id: h.id, games: [{ game_id: `game-of-${h.id}`, status: 'game_closed' }] });
        }
        return true;
      };
      const client = makeClient();
      await client.connect();
      const [a, b] = await Promise.all([client.listGamesForSource('A'), client.listGamesForSource('B')]);
      assert.equal(a[0].game_id, 'game-of-A');
      assert.equal(b[0].game_id, 'game-of-B');
    });

    it('deliver broadcasts that match no request as events, without disturbing pending requests', async () => {
      server.handler = (r, s) => {
        if (r.op !== 375) return false;
        send(s, 470, { game_id: 'g1', user_id: '9' });
        send(s, 341, { game_id: 'other-game' }); // someone else's close, broadcast
        send(s, 341, { game_id: String(r.body.game_id) });
        return true;
      };
      const client = makeClient();
      await client.connect();
      const events: ServerMessage[] = [];
      client.onEvent((e) => events.push(e));
      await client.closeGame('g1');
      assert.deepEqual(events.map((e) => [e.name, e.body]), [
        ['user_joined_game', { game_id: 'g1', user_id: '9' }],
        ['game_closed', { game_id: 'other-game' }],
      ]);
    });

    it('deliver an unknown res code as an event', async () => {
      const client = makeClient();
      await client.connect();
      const got = nextEvent(client.onEvent, (e) => e.res === 4242);
      send([...server.sockets][0], 4242, { hello: 'world' });
      const e = await got;
      assert.equal(e.name, undefined);
      assert.deepEqual((e.body as Record<string, unknown>).hello, 'world');
    });

    it('keep delivering to other listeners when one throws, and log it', async () => {
      const client = makeClient();
      await client.connect();
      client.onEvent(() => {
        throw new Error('listener bug');
      });
      const got = nextEvent(client.onEvent, (e) => e.res === 470);
      send([...server.sockets][0], 470, { game_id: 'g' });
      await got;
      assert.ok(logLines.some((l) => l.startsWith('error') && l.includes('listener bug')));
      // The connection still works: a ping is answered (its rejection would fail the test).
      await client.ping();
      assert.equal(client.state, 'connected');
    });
  });

  describe('malformed frames', () => {
    const garbage: [string, (s: import('ws').WebSocket) => void][] = [
      ['a binary frame', (s) => s.send(Buffer.from('{"res":621,"sources":[]}'), { binary: true })],
      ['text that is not JSON', (s) => s.send('{"res":621, sources')],
      ['JSON that is not an object', (s) => s.send('[{"res":621,"sources":[]}]')],
      ['an object without res', (s) => s.send('{"sources":[]}')],
      ['a non-integer res', (s) => s.send('{"res":"621","sources":[]}')],
      ['a fractional res', (s) => s.send('{"res":621.5,"sources":[]}')],
    ];
    for (const [kind, sendGarbage] of garbage) {
      it(`reports ${kind} as a ProtocolError and keeps the connection`, async () => {
        server.handler = (r, s) => {
          if (r.op !== 611) return false;
          sendGarbage(s);
          send(s, 621, { sources: [{ id: 'real', name: 'Real' }] });
          return true;
        };
        const client = makeClient();
        await client.connect();
        const reported = nextEvent(client.onProtocolError, () => true, 'a protocol error');
        const list = await client.listGameSources();
        assert.ok((await reported) instanceof ProtocolError);
        assert.deepEqual(list, [{ id: 'real', name: 'Real', description: '' }]);
        assert.equal(client.state, 'connected');
        assert.ok(logLines.some((l) => l.startsWith('warn')));
      });
    }

    it('rejects the request waiting for a known reply whose fields have the wrong types', async () => {
      server.handler = (r, s) => {
        if (r.op === 611) send(s, 621, { sources: 'not a list' });
        else if (r.op === 380) send(s, 345, { source_id: 'S', games: [{ game_id: 'g', status: 42 }] });
        else return false;
        return true;
      };
      const client = makeClient();
      await client.connect();
      const errors: ProtocolError[] = [];
      client.onProtocolError((e) => errors.push(e));
      await assert.rejects(client.listGameSources(), (e: unknown) => e instanceof ProtocolError && /sources/.test(e.message));
      await assert.rejects(client.listGamesForSource('S'), (e: unknown) => e instanceof ProtocolError && /games\[0\]\.status/.test(e.message));
      assert.equal(errors.length, 2);
      assert.equal(client.pendingCount, 0);
      assert.equal(client.state, 'connected');
      // Still in step: the next request gets its own reply (its rejection would fail the test).
      await client.ping();
      assert.equal(client.pendingCount, 0);
    });

    it('refuses a frame over maxPayload at the socket: ProtocolError reported, pending rejected, reconnects', async () => {
      server.handler = (r, s) => {
        if (r.op !== 611 || r.connection !== 1) return false;
        send(s, 621, { sources: [{ id: 'x', name: 'x'.repeat(4096) }] });
        return true;
      };
      const client = makeClient({ maxPayload: 2048, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await client.connect();
      const reported = nextEvent(client.onProtocolError);
      const back = nextEvent(client.onDidReconnect, () => true, 'the reconnect');
      await assert.rejects(client.listGameSources(), (e: unknown) => e instanceof ConnectionLostError && e.message === 'Connection lost — outcome unknown (the server sent an oversize frame).');
      assert.match((await reported).message, /larger than 2048 bytes/);
      await back;
      assert.equal(client.state, 'connected');
      assert.equal(server.received.filter((r) => r.op === 611).length, 1);
    });

    it('accepts a 621 of 10,000 sources with 512-character descriptions under the default limit', async () => {
      const sources = Array.from({ length: 10_000 }, (_, i) => ({ id: `00000000-0000-4000-8000-${String(i).padStart(12, '0')}`, name: `source-${i}.example`, description: 'd'.repeat(512) }));
      server.handler = (r, s) => {
        if (r.op !== 611) return false;
        send(s, 621, { sources });
        return true;
      };
      const client = makeClient();
      await client.connect();
      const list = await client.listGameSources();
      assert.equal(list.length, 10_000);
      assert.equal(list[9999].name, 'source-9999.example');
    });
  });

  describe('lost connections', () => {
    it('rejects every pending request at once with ConnectionLostError and re-sends nothing', async () => {
      server.handler = (r) => r.op === 365 || r.op === 611; // hold them: the drop comes first
      const client = makeClient({ reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await client.connect();
      const open = client.openGameSource('dropped.example');
      const list = client.listGameSources();
      await waitFor(() => server.received.some((r) => r.op === 611), 'the list to reach the server');
      const seen = states(client);
      const back = nextEvent(client.onDidReconnect, () => true, 'the reconnect');
      server.dropAll();
      const [a, b] = await Promise.allSettled([open, list]);
      assert.ok(a.status === 'rejected' && a.reason instanceof ConnectionLostError && /outcome unknown/.test(a.reason.message));
      assert.ok(b.status === 'rejected' && b.reason instanceof ConnectionLostError);
      await back;
      assert.equal(server.received.filter((r) => r.op === 365).length, 1);
      assert.equal(server.received.filter((r) => r.op === 611).length, 1);
      assert.equal(seen[0].state, 'disconnected');
      assert.ok(seen[0].error instanceof ConnectionLostError);
      assert.equal(typeof seen[0].nextRetryAt, 'number');
      assert.deepEqual(seen.slice(1).map((e) => e.state), ['connecting', 'connected']);
      assert.equal(seen.at(-1)?.reconnected, true);
    });

    it('stays disconnected after a drop when reconnection is off', async () => {
      const client = makeClient();
      await client.connect();
      const down = nextEvent(client.onDidChangeState, (e) => e.state === 'disconnected');
      server.dropAll();
      await down;
      assert.equal(client.nextRetryAt, undefined);
      await assert.rejects(client.ping(), NotConnectedError);
    });

    it('keeps retrying with growing, capped delays while the server refuses', async () => {
      server.refuseHandshake = 503;
      const client = makeClient({ reconnect: { initialDelayMs: 5, maxDelayMs: 20, factor: 2, jitter: 0 } });
      const delays: number[] = [];
      client.onDidChangeState((e) => {
        if (e.nextRetryAt !== undefined) delays.push(e.nextRetryAt - Date.now());
      });
      await assert.rejects(client.connect(), ConnectionFailedError);
      await waitFor(() => delays.length >= 5, 'five scheduled retries');
      client.disconnect();
      // Allow 2 ms of clock movement between scheduling and the listener reading Date.now().
      const expected = [5, 10, 20, 20, 20];
      delays.slice(0, 5).forEach((d, i) => assert.ok(d <= expected[i] && d >= expected[i] - 2, `retry ${i}: ${d} ms, expected ${expected[i]}`));
      assert.ok(server.attempts >= 5);
    });

    it('treats an unanswered keep-alive ping as a dead connection and reconnects', async () => {
      const client = makeClient({ keepAliveMs: 20, requestTimeoutMs: 200, reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      const measured = nextEvent(client.onDidMeasureLatency, () => true, 'a measured keep-alive latency');
      await client.connect();
      const ms = await measured;
      assert.ok(ms >= 0 && ms < 5000);
      assert.equal(client.latencyMs, ms);
      server.answerPings = false;
      const lost = nextEvent(client.onDidChangeState, (e) => e.state === 'disconnected', 'the dead connection to be noticed');
      const firstSocketCount = server.accepted;
      assert.match((await lost).error?.message ?? '', /no answer to the keep-alive ping/);
      server.answerPings = true;
      await nextEvent(client.onDidReconnect);
      assert.equal(server.accepted, firstSocketCount + 1);
      assert.ok(logLines.some((l) => l.includes('keep-alive')));
    });
  });

  describe('keep-alive', () => {
    it('keeps pinging after a 666 answered a ping', async () => {
      let pings = 0;
      server.handler = (r, s) => {
        if (r.op !== 1) return false;
        if (++pings === 1) send(s, 666, { text: 'not now' });
        else send(s, 1);
        return true;
      };
      const client = makeClient({ keepAliveMs: 10 });
      await client.connect();
      await waitFor(() => client.latencyMs !== undefined, 'a keep-alive ping answered after the refused one');
      assert.ok(pings >= 2);
      assert.equal(client.state, 'connected');
    });

    it('sends no pings when keepAliveMs is 0', async () => {
      const client = makeClient({ keepAliveMs: 0 });
      await client.connect();
      for (let i = 0; i < 5; i++) await client.getOpcodes();
      assert.deepEqual(server.received.map((r) => r.op), [100, 2, 2, 2, 2, 2, 2]);
    });
  });

  describe('disconnect and dispose', () => {
    it('disconnect() stops reconnection; connect() starts again', async () => {
      const client = makeClient({ reconnect: { initialDelayMs: 10, maxDelayMs: 10 } });
      await client.connect();
      client.disconnect();
      assert.equal(client.state, 'disconnected');
      assert.equal(client.nextRetryAt, undefined);
      await client.connect();
      assert.equal(client.state, 'connected');
    });

    it('dispose() rejects pending requests with DisposedError, closes the socket, and every method then throws', async () => {
      server.handler = (r) => r.op === 611;
      const client = makeClient();
      await client.connect();
      const pending = client.listGameSources();
      await waitFor(() => server.received.some((r) => r.op === 611), 'the list to reach the server');
      client.dispose();
      await assert.rejects(pending, DisposedError);
      assert.equal(client.state, 'disconnected');
      assert.equal(client.pendingCount, 0);
      await assert.rejects(client.connect(), DisposedError);
      assert.throws(() => client.ping(), DisposedError);
      assert.throws(() => client.listGameSources(), DisposedError);
      assert.throws(() => client.openGameSource('x'), DisposedError);
      assert.throws(() => client.request('ping', {}, ['pong']), DisposedError);
      await waitFor(() => server.sockets.size === 0, 'the server to see the socket close');
    });

    it('dispose() during a connection attempt rejects connect() with DisposedError', async () => {
      server.logonRes = undefined; // logon never answered
      const client = makeClient();
      const attempt = client.connect();
      await waitFor(() => server.received.some((r) => r.op === 100), 'the logon');
      client.dispose();
      await assert.rejects(attempt, DisposedError);
    });
  });
});
