// A TCP relay on a loopback port in front of a real server, keeping what the
// server sent on each connection: a test reads the server's frames as they
// crossed the wire (server-to-client WebSocket frames are never masked, and
// the client offers no compression, so each JSON text is there as sent).
import * as net from 'node:net';

export interface WireTap {
  /** ws://127.0.0.1:PORT, to give the client in place of the server's own URL. */
  readonly wsUrl: string;
  /** What the server sent, one string per relayed connection in accept order. */
  readonly fromServer: string[];
  close(): Promise<void>;
}

export async function startWireTap(serverPort: number): Promise<WireTap> {
  const fromServer: string[] = [];
  const sockets = new Set<net.Socket>();
  const relay = net.createServer((client) => {
    const index = fromServer.push('') - 1;
    const server = net.connect(serverPort, '127.0.0.1');
    for (const s of [client, server]) {
      sockets.add(s);
      s.on('close', () => sockets.delete(s));
      // Either side gone (cleanly or abruptly) ends the pair, as a direct connection would.
      s.on('error', () => undefined);
    }
    client.on('close', () => server.destroy());
    server.on('close', () => client.destroy());
    server.on('data', (chunk: Buffer) => {
      fromServer[index] += chunk.toString('latin1');
      client.write(chunk);
    });
    client.pipe(server);
  });
  await new Promise<void>((resolve, reject) => {
    relay.once('error', reject);
    relay.listen(0, '127.0.0.1', () => resolve());
  });
  const { port } = relay.address() as net.AddressInfo;
  return {
    wsUrl: `ws://127.0.0.1:${port}`,
    fromServer,
    close: () =>
      new Promise<void>((resolve) => {
        for (const s of sockets) s.destroy();
        relay.close(() => resolve());
      }),
  };
}

/** The `res` codes of the JSON frames in what the server sent, in order. */
export function resCodes(wire: string): number[] {
  return [...wire.matchAll(/"res":(\d+)/g)].map((m) => Number(m[1]));
}
