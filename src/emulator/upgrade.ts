// The WebSocket handshake gate: checks id / nonce / digest (PROTOCOL §3) on
// the HTTP upgrade and refuses with a plain HTTP 401 before any WebSocket
// exists, so a client without the session key never gets a socket.
import { IncomingMessage } from 'node:http';
import { Duplex } from 'node:stream';
import { WebSocket, WebSocketServer } from 'ws';
import { HandshakeResult, checkHandshake } from './accounts';
import { EmulatorState } from './state';
import { StateSaver } from './stateFile';

export interface UpgradeEnvironment {
  state: EmulatorState;
  saver: StateSaver;
  now: () => number;
  log: (line: string) => void;
}

export type Accepted = Extract<HandshakeResult, { ok: true }>;

/** Answers a refused upgrade with a short HTTP response and closes the socket. */
export function refuseUpgrade(socket: Duplex, status: 401 | 503, reason: string): void {
  const statusText = status === 401 ? 'Unauthorized' : 'Service Unavailable';
  const body = `${reason}\n`;
  const head = [
    `HTTP/1.1 ${status} ${statusText}`,
    'Connection: close',
    'Content-Type: text/plain; charset=utf-8',
    `Content-Length: ${Buffer.byteLength(body)}`,
  ].join('\r\n');
  if (socket.destroyed) return;
  socket.end(`${head}\r\n\r\n${body}`, () => socket.destroy());
}

/**
 * Checks one upgrade request; on success records its nonce, waits until that
 * is persisted (a restart must not make the nonce reusable), then hands the
 * socket to `ws`.
 */
export function handleUpgrade(
  env: UpgradeEnvironment,
  wss: WebSocketServer,
  req: IncomingMessage,
  socket: Duplex,
  head: Buffer,
  onOpen: (ws: WebSocket, accepted: Accepted) => void,
): void {
  let query: URLSearchParams;
  try {
    query = new URL(req.url ?? '/', 'http://emulator.invalid').searchParams;
  } catch {
    return refuseUpgrade(socket, 401, 'Handshake refused: malformed URL.');
  }
  const result = checkHandshake(env.state, query, env.now());
  if (!result.ok) {
    env.log(`handshake refused: ${result.reason}`);
    return refuseUpgrade(socket, 401, result.reason);
  }
  env.saver.save().then(
    () => {
      if (socket.destroyed) return;
      wss.handleUpgrade(req, socket, head, (ws) => onOpen(ws, result));
    },
    () => socket.destroy(),
  );
}
