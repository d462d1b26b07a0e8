// openSocket on its own, over real sockets: what an HTTP answer to the
// handshake becomes, that a redirect is never followed, and what the close
// of an open socket is said to be (a broken framing, the server's close with
// its code and reason).
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { AuthenticationError, ConnectionFailedError, ProtocolError } from '../../src/protocol/errors';
import { routeFor } from '../../src/protocol/network';
import { openSocket, type SocketHandlers } from '../../src/protocol/openSocket';
import { loadWebSocketClass } from '../../src/protocol/webSocketClass';
import type WebSocket from 'ws';
import { frame, RawWsServer, startRawWsServer } from './support/rawWsServer';
import { ScriptedServer, startScriptedServer } from './support/scriptedServer';
import { waitFor } from './support/wait';

class RecordingHandlers implements SocketHandlers {
  readonly frames: string[] = [];
  readonly closes: string[] = [];
  readonly protocolErrors: ProtocolError[] = [];
  onFrame(data: WebSocket.RawData): void {
    this.frames.push(String(data));
  }
  onClose(why: string): void {
    this.closes.push(why);
  }
  onProtocolError(error: ProtocolError): void {
    this.protocolErrors.push(error);
  }
}

/** An HTTP server that answers every WebSocket handshake with `answer` (a raw HTTP response head). */
async function startHttpAnswering(answer: () => string): Promise<{ url: string; close(): Promise<void> }> {
  const server = http.createServer();
  server.on('upgrade', (_req, socket) => socket.end(answer()));
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return {
    url: `ws://127.0.0.1:${(server.address() as AddressInfo).port}/`,
    close: () =>
      new Promise<void>((resolve) => {
        server.closeAllConnections();
        server.close(() => resolve());
      }),
  };
}

describe('openSocket (real sockets)', () => {
  let scripted: ScriptedServer;
  let raw: RawWsServer;
  const sockets: WebSocket[] = [];

  async function open(url: string, handlers: SocketHandlers = new RecordingHandlers()): Promise<{ socket: WebSocket; opened: Promise<void> }> {
    const target = new URL(url);
    const result = openSocket(await loadWebSocketClass(), target, { maxPayload: 1 << 20, handshakeTimeoutMs: 5000, route: await routeFor(target, { env: {} }) }, handlers);
    sockets.push(result.socket);
    return result;
  }

  beforeEach(async () => {
    scripted = await startScriptedServer();
    raw = await startRawWsServer();
  });

  afterEach(async () => {
    for (const s of sockets.splice(0)) s.terminate();
    await scripted.close();
    await raw.close();
  });

  describe('an HTTP answer to the handshake', () => {
    it('is not followed when it redirects: a 302 to a working server is a ConnectionFailedError with status 302, and that server sees no attempt', async () => {
      const redirecting = await startHttpAnswering(() => `HTTP/1.1 302 Found\r\nLocation: ${scripted.wsUrl}/\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`);
      try {
        const { opened } = await open(redirecting.url);
        await assert.rejects(opened, (e: unknown) => e instanceof ConnectionFailedError && e.status === 302);
        assert.equal(scripted.attempts, 0);
      } finally {
        await redirecting.close();
      }
    });

    it('is an AuthenticationError for 403, as for 401', async () => {
      scripted.refuseHandshake = 403;
      const { opened } = await open(scripted.wsUrl);
      await assert.rejects(opened, (e: unknown) => e instanceof AuthenticationError && /HTTP 403/.test(e.message) && /Sign in again/.test(e.message));
    });

    it('is a ConnectionFailedError that names the status for any other code', async () => {
      scripted.refuseHandshake = 502;
      const { opened } = await open(scripted.wsUrl);
      await assert.rejects(opened, (e: unknown) => e instanceof ConnectionFailedError && e.status === 502 && e.message === 'The server answered the WebSocket handshake with HTTP 502.');
    });
  });

  describe('once open', () => {
    it('reports a frame that breaks the framing (a reserved opcode) as a ProtocolError naming the ws code, and the close as the framing broken', async () => {
      const handlers = new RecordingHandlers();
      const { opened } = await open(raw.wsUrl, handlers);
      await opened;
      raw.connections[0].socket.write(frame(0x3));
      await waitFor(() => handlers.closes.length === 1, 'the socket to close');
      assert.deepEqual(
        handlers.protocolErrors.map((e) => e.message),
        ['The server broke the WebSocket framing (WS_ERR_INVALID_OPCODE); closing the connection.'],
      );
      assert.deepEqual(handlers.closes, ['the server broke the WebSocket framing']);
    });

    it('gives an error without a ws code that comes once open as the reason of the close that follows (not as a failure to open)', async () => {
      const handlers = new RecordingHandlers();
      const { socket, opened } = await open(scripted.wsUrl, handlers);
      await opened;
      await waitFor(() => scripted.connections.size === 1, 'the server to accept');
      // ws 8 itself emits such errors only from compression or Blob reads, which the client does not use; a later ws may.
      socket.emit('error', Object.assign(new Error('read ECONNRESET'), { code: 'ECONNRESET' }));
      scripted.connections.get(1)!.close(1000);
      await waitFor(() => handlers.closes.length === 1, 'the socket to close');
      assert.deepEqual(handlers.closes, ['read ECONNRESET']);
      assert.deepEqual(handlers.protocolErrors, []);
    });

    it("says a close by the server was the server's, with its code and reason", async () => {
      const handlers = new RecordingHandlers();
      const { opened } = await open(scripted.wsUrl, handlers);
      await opened;
      await waitFor(() => scripted.connections.size === 1, 'the server to accept');
      scripted.connections.get(1)!.close(4001, 'going away for a test');
      await waitFor(() => handlers.closes.length === 1, 'the socket to close');
      assert.deepEqual(handlers.closes, ['closed by the server, code 4001: going away for a test']);
    });

    it('gives only the code when the server closes without a reason', async () => {
      const handlers = new RecordingHandlers();
      const { opened } = await open(scripted.wsUrl, handlers);
      await opened;
      await waitFor(() => scripted.connections.size === 1, 'the server to accept');
      scripted.connections.get(1)!.close(1000);
      await waitFor(() => handlers.closes.length === 1, 'the socket to close');
      assert.deepEqual(handlers.closes, ['closed by the server, code 1000']);
    });
  });
});
