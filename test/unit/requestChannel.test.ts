// RequestChannel on its own, over real sockets: when it counts as open, how
// close() ends the socket, its one request timer, and that a closed channel
// passes nothing its socket still says on to its hooks. The scripted server
// (real `ws`) where a normal server will do; the hand-written one where the
// server must do what `ws` will not (leave the handshake unanswered, send
// frames after the client's close frame).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type * as net from 'node:net';
import { once } from 'node:events';
import { ConnectionLostError, ProtocolError, RequestTimeoutError } from '../../src/protocol/errors';
import { routeFor, type Route } from '../../src/protocol/network';
import { RequestChannel, type ChannelHooks } from '../../src/protocol/requestChannel';
import type { ServerMessage } from '../../src/protocol/messages';
import type { PendingRequest } from '../../src/protocol/requestQueue';
import { frame, isCloseFrame, RawWsServer, startRawWsServer } from './support/rawWsServer';
import { ScriptedServer, startScriptedServer } from './support/scriptedServer';
import { waitFor } from './support/wait';

/** Every hook call, in order. */
class RecordingHooks implements ChannelHooks {
  readonly events: ServerMessage[] = [];
  readonly protocolErrors: ProtocolError[] = [];
  readonly timeouts: (readonly PendingRequest<unknown>[])[] = [];
  readonly closes: string[] = [];
  onEvent(message: ServerMessage): void {
    this.events.push(message);
  }
  onProtocolError(error: ProtocolError): void {
    this.protocolErrors.push(error);
  }
  onTimeout(_channel: RequestChannel, expired: readonly PendingRequest<unknown>[]): void {
    this.timeouts.push(expired);
  }
  onClose(_channel: RequestChannel, why: string): void {
    this.closes.push(why);
  }
  readonly logLevels: string[] = [];
  log(level: string): void {
    this.logLevels.push(level);
  }
}

/** A route whose agent keeps the TCP sockets it opens, so a test can tell when the client's socket is gone. */
async function recordingRoute(url: URL): Promise<{ route: Route; sockets: net.Socket[] }> {
  const sockets: net.Socket[] = [];
  class RecordingAgent extends http.Agent {
    override createConnection(...args: Parameters<http.Agent['createConnection']>): ReturnType<http.Agent['createConnection']> {
      const socket = super.createConnection(...args) as net.Socket;
      sockets.push(socket);
      return socket;
    }
  }
  const route = await routeFor(url, { env: {} });
  return { route: { ...route, agent: new RecordingAgent() }, sockets };
}

interface TimerCall {
  delay: number;
  timer: NodeJS.Timeout;
}

/**
 * Spies on the global setTimeout/clearTimeout (the real ones still run) and
 * keeps the calls made from requestChannel's own code, told by the stack.
 */
function spyOnChannelTimers(): { set: TimerCall[]; cleared: unknown[]; restore(): void } {
  const realSet = globalThis.setTimeout;
  const realClear = globalThis.clearTimeout;
  // Stack: the Error, fromChannel, the spy, then the caller.
  const fromChannel = (): boolean => /requestChannel\.[jt]s/.test((new Error().stack ?? '').split('\n')[3] ?? '');
  const spy = { set: [] as TimerCall[], cleared: [] as unknown[], restore: () => Object.assign(globalThis, { setTimeout: realSet, clearTimeout: realClear }) };
  const set = (handler: () => void, delay?: number) => {
    const timer = realSet(handler, delay);
    if (fromChannel()) spy.set.push({ delay: delay ?? 0, timer });
    return timer;
  };
  const clear = (timer: NodeJS.Timeout | undefined) => {
    if (fromChannel()) spy.cleared.push(timer);
    realClear(timer);
  };
  Object.assign(globalThis, { setTimeout: set, clearTimeout: clear });
  return spy;
}

describe('RequestChannel (real sockets)', () => {
  let server: ScriptedServer;
  let raw: RawWsServer;
  const channels: RequestChannel[] = [];

  function open(url: string, hooks: ChannelHooks, requestTimeoutMs: number, route: Route): RequestChannel {
    const channel = new RequestChannel(new URL(url), { maxPayload: 1 << 20, requestTimeoutMs, route }, hooks);
    channels.push(channel);
    return channel;
  }

  beforeEach(async () => {
    server = await startScriptedServer();
    raw = await startRawWsServer();
  });

  afterEach(async () => {
    for (const c of channels.splice(0)) c.close(new ConnectionLostError('test over'));
    await server.close();
    await raw.close();
  });

  it('is not open from construction until its handshake is answered, and a send meanwhile fails with ConnectionLostError', async () => {
    raw.answerHandshake = false;
    const url = new URL(raw.wsUrl);
    const channel = open(raw.wsUrl, new RecordingHooks(), 5000, await routeFor(url, { env: {} }));
    assert.equal(channel.isOpen, false, 'before its socket exists');
    await waitFor(() => raw.connections.length === 1, 'the handshake request to reach the server');
    assert.equal(channel.isOpen, false, 'while the handshake is unanswered');
    await assert.rejects(channel.send('ping', {}, ['pong'], {}), ConnectionLostError);
  });

  it('is open once its handshake is answered, and no longer once closed', async () => {
    const channel = open(server.wsUrl, new RecordingHooks(), 5000, await routeFor(new URL(server.wsUrl), { env: {} }));
    await channel.opened;
    assert.equal(channel.isOpen, true);
    channel.close(new ConnectionLostError('by the test'));
    assert.equal(channel.isOpen, false);
  });

  it('close(error, reason) closes with code 1000 and the reason, and rejects the pending request with that error', async () => {
    server.answerPings = false;
    const channel = open(server.wsUrl, new RecordingHooks(), 5000, await routeFor(new URL(server.wsUrl), { env: {} }));
    await channel.opened;
    const pending = channel.send('ping', {}, ['pong'], {});
    await waitFor(() => server.received.length === 1, 'the ping to reach the server');
    const serverSide = server.connections.get(1)!;
    const closed = once(serverSide, 'close');
    const error = new ConnectionLostError('closed by the test');
    channel.close(error, 'signing out');
    await assert.rejects(pending, (e: unknown) => e === error);
    const [code, reason] = (await closed) as [number, Buffer];
    assert.equal(code, 1000);
    assert.equal(reason.toString('utf8'), 'signing out');
  });

  it('close(error) without a reason drops the socket at once: no close frame reaches the server (it sees 1006)', async () => {
    const channel = open(server.wsUrl, new RecordingHooks(), 5000, await routeFor(new URL(server.wsUrl), { env: {} }));
    await channel.opened;
    await waitFor(() => server.connections.size === 1, 'the server to accept');
    const closed = once(server.connections.get(1)!, 'close');
    channel.close(new ConnectionLostError('dropped by the test'));
    const [code] = (await closed) as [number, Buffer];
    assert.equal(code, 1006);
  });

  it('once closed, passes on nothing its socket still delivers: a frame, a framing error and the socket closing reach no hook', async () => {
    const url = new URL(raw.wsUrl);
    const { route, sockets } = await recordingRoute(url);
    const hooks = new RecordingHooks();
    const channel = open(raw.wsUrl, hooks, 5000, route);
    await channel.opened;
    const pong = JSON.stringify({ response_header: { t: 1 }, res: 3 });
    // While open, the same frame is an event: the hooks are wired.
    raw.connections[0].socket.write(frame(0x1, pong));
    await waitFor(() => hooks.events.length === 1, 'the event while open');
    // Once the client's close frame arrives, the server sends a frame, then a reserved opcode (3), then ends.
    raw.onChunk = (connection, chunk) => {
      if (!isCloseFrame(chunk)) return;
      connection.socket.write(Buffer.concat([frame(0x1, pong), frame(0x3)]));
      connection.socket.end();
    };
    const gone = once(sockets[0], 'close');
    channel.close(new ConnectionLostError('closed by the test'), 'done');
    await gone;
    // ws emits the WebSocket's 'close' from the TCP socket's 'close' (or a tick later): let it.
    await new Promise((resolve) => setImmediate(resolve));
    assert.ok(raw.connections[0].chunks.some(isCloseFrame), 'the server got the close frame and answered it');
    assert.equal(hooks.events.length, 1, 'no event after close');
    assert.deepEqual(hooks.protocolErrors, [], 'no protocol error after close');
    assert.deepEqual(hooks.closes, [], 'no close reported for a channel closed by its owner');
  });

  it('writes a trace line for each request it sends and each reply it reads, and none for a malformed frame', async () => {
    const hooks = new RecordingHooks();
    const channel = open(server.wsUrl, hooks, 5000, await routeFor(new URL(server.wsUrl), { env: {} }));
    await channel.opened;
    await channel.send('ping', {}, ['pong'], {});
    assert.deepEqual(hooks.logLevels, ['trace', 'trace']);
    server.connections.get(1)!.send('not json');
    await waitFor(() => hooks.protocolErrors.length === 1, 'the malformed frame');
    assert.deepEqual(hooks.logLevels, ['trace', 'trace']);
  });

  describe('its one timer', () => {
    let spy: ReturnType<typeof spyOnChannelTimers> | undefined;
    afterEach(() => spy?.restore());

    it('is armed by the first request for its deadline, not re-armed by a second, and never holds the process open', async () => {
      const channel = open(server.wsUrl, new RecordingHooks(), 10_000, await routeFor(new URL(server.wsUrl), { env: {} }));
      server.answerPings = false;
      await channel.opened;
      spy = spyOnChannelTimers();
      void channel.send('ping', {}, ['pong'], {}).catch(() => undefined);
      assert.equal(spy.set.length, 1, 'one timer for the first request');
      const [{ delay, timer }] = spy.set;
      assert.ok(delay <= 10_000 && delay >= 9_000, `armed for the request's deadline, ${delay} ms away`);
      assert.equal(timer.hasRef(), false, 'unref: a pending request never keeps Node running');
      void channel.send('ping', {}, ['pong'], {}).catch(() => undefined);
      assert.equal(spy.set.length, 1, 'the second request, due later, arms no timer of its own');
      assert.deepEqual(spy.cleared, [], 'nor clears the first');
    });

    it('is cleared by close()', async () => {
      const channel = open(server.wsUrl, new RecordingHooks(), 10_000, await routeFor(new URL(server.wsUrl), { env: {} }));
      server.answerPings = false;
      await channel.opened;
      spy = spyOnChannelTimers();
      void channel.send('ping', {}, ['pong'], {}).catch(() => undefined);
      channel.close(new ConnectionLostError('by the test'));
      assert.equal(spy.set.length, 1);
      assert.deepEqual(spy.cleared, [spy.set[0].timer]);
    });

    it('rejects an unanswered request with RequestTimeoutError, tells onTimeout, and with nothing left pending arms no further timer', async () => {
      const hooks = new RecordingHooks();
      const channel = open(server.wsUrl, hooks, 100, await routeFor(new URL(server.wsUrl), { env: {} }));
      server.answerPings = false;
      await channel.opened;
      const timers = (spy = spyOnChannelTimers());
      // (A timer Node fires a little early is re-armed before onTimeout: count from onTimeout on.)
      let armedWhenExpired = -1;
      hooks.onTimeout = (ch, expired) => {
        armedWhenExpired = timers.set.length;
        RecordingHooks.prototype.onTimeout.call(hooks, ch, expired);
      };
      await assert.rejects(channel.send('ping', {}, ['pong'], {}), (e: unknown) => e instanceof RequestTimeoutError && e.timeoutMs === 100);
      assert.equal(hooks.timeouts.length, 1);
      assert.deepEqual(hooks.timeouts[0].map((e) => e.opName), ['ping']);
      assert.equal(channel.pendingCount, 0);
      // The rejection settles inside the timer's callback, which has returned by now.
      assert.ok(armedWhenExpired >= 1);
      assert.equal(timers.set.length, armedWhenExpired, 'no timer armed after the last request expired');
    });
  });
});
