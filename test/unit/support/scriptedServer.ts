// A tiny WebSocket server for client tests that need a server to misbehave on
// purpose (never answer, send garbage, refuse logon). Real `ws` on 127.0.0.1,
// port 0. Not an emulator: it knows only logon, get_opcodes and ping, and asks
// the test what to do with everything else.
import type { IncomingHttpHeaders } from 'node:http';
import { AddressInfo } from 'node:net';
import WebSocket, { WebSocketServer } from 'ws';
import { DEFAULT_OPS, DEFAULT_RESPONSES } from '../../../src/protocol/codes';

export interface ReceivedRequest {
  op: number;
  body: Record<string, unknown>;
  /** Which connection (1-based, in accept order) it came on. */
  connection: number;
}

/** Return true when the request was handled; false lets the defaults answer it. */
export type RequestHandler = (request: ReceivedRequest, socket: WebSocket) => boolean | void;

export interface ScriptedServer {
  readonly wsUrl: string;
  readonly received: ReceivedRequest[];
  /** Connections accepted so far (refused handshakes not counted). */
  readonly accepted: number;
  /** Handshakes attempted, refused ones included. */
  readonly attempts: number;
  /** The HTTP headers of each handshake attempt, in order. */
  readonly handshakeHeaders: IncomingHttpHeaders[];
  handler: RequestHandler;
  /** What logon answers: 100, 110, 112 or 666 (or undefined to stay silent); 110 and 666 say "Session not valid". */
  logonRes: number | undefined;
  /** What get_opcodes does: answer with the documented table, with a custom one, or 666. */
  opcodes: 'documented' | 'error' | { opcodes: Record<string, unknown>; response_codes: Record<string, unknown> };
  /** Whether pings are answered. */
  answerPings: boolean;
  /**
   * HTTP status to refuse handshakes with, or undefined to accept them; a
   * function decides per attempt (1-based, refused ones included).
   */
  refuseHandshake: number | undefined | ((attempt: number) => number | undefined);
  readonly sockets: Set<WebSocket>;
  /** The server side of every accepted connection by number (1-based), closed ones included. */
  readonly connections: Map<number, WebSocket>;
  dropAll(): void;
  close(): Promise<void>;
}

export function send(socket: WebSocket, res: number, body: Record<string, unknown> = {}): void {
  socket.send(JSON.stringify({ response_header: { t: Date.now() }, res, ...body }));
}

export interface ScriptedServerOptions {
  /** Whether the server is willing to negotiate permessage-deflate (ws's own option). */
  perMessageDeflate?: boolean;
}

export async function startScriptedServer(options: ScriptedServerOptions = {}): Promise<ScriptedServer> {
  let connectionNo = 0;
  let attempts = 0;
  const sockets = new Set<WebSocket>();
  const connections = new Map<number, WebSocket>();
  const state: ScriptedServer = {
    wsUrl: '',
    received: [],
    get accepted() {
      return connectionNo;
    },
    get attempts() {
      return attempts;
    },
    handshakeHeaders: [],
    handler: () => false,
    logonRes: 100,
    opcodes: 'documented',
    answerPings: true,
    refuseHandshake: undefined,
    sockets,
    connections,
    dropAll: () => {
      for (const s of sockets) s.terminate();
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.terminate();
        wss.close(() => resolve());
      }),
  };
  const wss = new WebSocketServer({
    host: '127.0.0.1',
    port: 0,
    perMessageDeflate: options.perMessageDeflate ?? false,
    verifyClient: (info, done) => {
      attempts++;
      state.handshakeHeaders.push(info.req.headers);
      const refuse = typeof state.refuseHandshake === 'function' ? state.refuseHandshake(attempts) : state.refuseHandshake;
      if (refuse !== undefined) done(false, refuse);
      else done(true);
    },
  });
  await new Promise<void>((resolve, reject) => {
    wss.once('listening', () => resolve());
    wss.once('error', reject);
  });
  (state as { wsUrl: string }).wsUrl = `ws://127.0.0.1:${(wss.address() as AddressInfo).port}`;

  wss.on('connection', (socket) => {
    const connection = ++connectionNo;
    sockets.add(socket);
    connections.set(connection, socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    socket.on('message', (data) => {
      let parsed: unknown;
      try {
        parsed = JSON.parse(String(data));
      } catch {
        return;
      }
      if (typeof parsed !== 'object' || parsed === null) return;
      const body = parsed as Record<string, unknown>;
      const request: ReceivedRequest = { op: Number(body.op), body, connection };
      state.received.push(request);
      if (state.handler(request, socket)) return;
      switch (request.op) {
        case DEFAULT_OPS.logon:
          if (state.logonRes === 110 || state.logonRes === 666) send(socket, state.logonRes, { text: 'Session not valid' });
          else if (state.logonRes !== undefined) send(socket, state.logonRes, { session_key: 'server-side' });
          return;
        case DEFAULT_OPS.get_opcodes:
          if (state.opcodes === 'documented') send(socket, DEFAULT_RESPONSES.opcodes, { opcodes: DEFAULT_OPS, response_codes: DEFAULT_RESPONSES });
          else if (state.opcodes === 'error') send(socket, 666, { text: 'get_opcodes is not available' });
          else send(socket, DEFAULT_RESPONSES.opcodes, state.opcodes);
          return;
        case DEFAULT_OPS.ping:
          if (state.answerPings) send(socket, DEFAULT_RESPONSES.pong);
          return;
      }
    });
  });
  return state;
}
