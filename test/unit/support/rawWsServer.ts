// A WebSocket server written by hand on a plain TCP socket, for what `ws` as a
// server will not do: answer the handshake late or never, send frames after
// the client's close frame, break the framing. It completes the RFC 6455
// handshake (or not, on request) and then hands the test the raw socket and
// every chunk the client sends (client frames are masked; only the first byte,
// FIN and opcode, is read here).
import { createHash } from 'node:crypto';
import * as http from 'node:http';
import * as net from 'node:net';

const GUID = '258EAFA5-E914-47DA-95CA-C5AB0DC85B11';

export interface RawConnection {
  readonly socket: net.Socket;
  /** Chunks the client sent after the handshake, in order. */
  readonly chunks: Buffer[];
}

export interface RawWsServer {
  readonly wsUrl: string;
  /** Connections accepted at TCP level, in order. */
  readonly connections: RawConnection[];
  /** Whether to answer the handshake (101); when false the request is read and left unanswered. */
  answerHandshake: boolean;
  /** Called on each chunk the client sends after the handshake. */
  onChunk: (connection: RawConnection, chunk: Buffer) => void;
  close(): Promise<void>;
}

/** One unmasked server frame: FIN set, the given opcode, a payload under 126 bytes. */
export function frame(opcode: number, payload: string | Buffer = ''): Buffer {
  const body = typeof payload === 'string' ? Buffer.from(payload, 'utf8') : payload;
  if (body.length >= 126) throw new Error('frame(): payloads of 126 bytes or more are not needed here');
  return Buffer.concat([Buffer.from([0x80 | opcode, body.length]), body]);
}

/** Whether a client chunk starts with a close frame (opcode 8). */
export function isCloseFrame(chunk: Buffer): boolean {
  return chunk.length > 0 && (chunk[0] & 0x0f) === 0x8;
}

export async function startRawWsServer(): Promise<RawWsServer> {
  const connections: RawConnection[] = [];
  const sockets = new Set<net.Socket>();
  const state: RawWsServer = {
    wsUrl: '',
    connections,
    answerHandshake: true,
    onChunk: () => undefined,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        server.close(() => resolve());
      }),
  };
  const server = net.createServer((socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
    socket.on('error', () => undefined);
    const connection: RawConnection = { socket, chunks: [] };
    connections.push(connection);
    let head = '';
    let upgraded = false;
    socket.on('data', (chunk: Buffer) => {
      if (upgraded) {
        connection.chunks.push(chunk);
        state.onChunk(connection, chunk);
        return;
      }
      head += chunk.toString('latin1');
      if (!head.includes('\r\n\r\n') || !state.answerHandshake) return;
      const key = /^sec-websocket-key:\s*(\S+)/im.exec(head)?.[1] ?? '';
      const accept = createHash('sha1').update(key + GUID).digest('base64');
      upgraded = true;
      socket.write(`HTTP/1.1 101 ${http.STATUS_CODES[101]}\r\nUpgrade: websocket\r\nConnection: Upgrade\r\nSec-WebSocket-Accept: ${accept}\r\n\r\n`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('listening', () => resolve());
    server.once('error', reject);
    server.listen(0, '127.0.0.1');
  });
  (state as { wsUrl: string }).wsUrl = `ws://127.0.0.1:${(server.address() as net.AddressInfo).port}`;
  return state;
}
