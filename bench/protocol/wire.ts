// The other end and the yardsticks of the wire benchmarks: a minimal server
// answering by op code with fixed frames (it costs every client the same), a
// raw `ws` socket (the floor for one round trip), and a minimal hand-written
// FIFO client (the fair floor for throughput: it parses each reply with
// JSON.parse and resolves the oldest pending request, nothing else).
import type { AddressInfo } from 'node:net';
import { WebSocket, WebSocketServer } from 'ws';

export interface FastServer {
  readonly url: string;
  close(): Promise<void>;
}

export async function fastServer(): Promise<FastServer> {
  const wss = new WebSocketServer({ host: '127.0.0.1', port: 0 });
  await new Promise<void>((r) => wss.once('listening', () => r()));
  const pong = JSON.stringify({ response_header: { t: 0 }, res: 1 });
  const logon = JSON.stringify({ response_header: { t: 0 }, res: 100, session_key: 'x' });
  const sources = JSON.stringify({ response_header: { t: 0 }, res: 621, sources: [{ id: 's1', name: 'a', description: '' }] });
  const refuse = JSON.stringify({ response_header: { t: 0 }, res: 666, text: 'not here' });
  wss.on('connection', (ws) => {
    ws.on('message', (data) => {
      const text = data.toString();
      // Cheap dispatch on the op without a JSON parse, so the server costs every client the same.
      const op = /"op":(\d+)/.exec(text)?.[1];
      ws.send(op === '1' ? pong : op === '100' ? logon : op === '611' ? sources : refuse);
    });
  });
  const port = (wss.address() as AddressInfo).port;
  return {
    url: `ws://127.0.0.1:${port}`,
    close: () =>
      new Promise((r) => {
        for (const client of wss.clients) client.terminate();
        wss.close(() => r());
      }),
  };
}

export async function rawSocket(url: string): Promise<WebSocket> {
  const ws = new WebSocket(`${url}/?id=1&n=1&h=x`);
  await new Promise<void>((resolve, reject) => {
    ws.once('open', () => resolve());
    ws.once('error', reject);
  });
  return ws;
}

/** One request on a raw socket: send the bytes, resolve on the next frame. */
export function rawRequest(ws: WebSocket, frame: string): Promise<void> {
  return new Promise((resolve) => {
    ws.once('message', () => resolve());
    ws.send(frame);
  });
}

/**
 * The throughput yardstick: requests are answered in order, so the oldest
 * pending request takes each reply. No ids, no timeouts, no code table, no
 * checks: what any client must at least do is parse the reply and settle a promise.
 */
export class FifoClient {
  readonly #ws: WebSocket;
  readonly #pending: ((reply: unknown) => void)[] = [];

  constructor(ws: WebSocket) {
    this.#ws = ws;
    ws.on('message', (data) => {
      const reply: unknown = JSON.parse(data.toString());
      this.#pending.shift()?.(reply);
    });
  }

  static async connect(url: string): Promise<FifoClient> {
    return new FifoClient(await rawSocket(url));
  }

  /** Sends a ready-made frame (the same bytes our client sends for the operation). */
  request(frame: string): Promise<unknown> {
    return new Promise((resolve) => {
      this.#pending.push(resolve);
      this.#ws.send(frame);
    });
  }

  close(): void {
    this.#ws.close();
  }
}
