// A small forward proxy for tests, on a loopback port: it opens CONNECT
// tunnels (what a corporate proxy does for TLS and WebSocket traffic), can
// demand Proxy-Authorization (407), and records every request it gets, so a
// test can say which tunnels were opened, to where, and what else arrived
// (an absolute-URI GET is recorded and refused, as a CONNECT-only proxy would).
import * as http from 'node:http';
import * as https from 'node:https';
import * as net from 'node:net';
import type { Duplex } from 'node:stream';

export interface ProxyRequest {
  /** CONNECT, or the method of an absolute-URI request (GET http://host/...). */
  readonly method: string;
  /** host:port for CONNECT, the absolute URI otherwise. */
  readonly target: string;
  readonly proxyAuthorization: string | undefined;
  /** What the proxy did: opened the tunnel, asked for credentials, or refused. */
  readonly outcome: 'tunnel' | 'auth-required' | 'refused';
}

export interface ConnectProxyOptions {
  /** Default 127.0.0.1. */
  readonly host?: string;
  /** When set, a request without exactly this Proxy-Authorization value gets 407. */
  readonly requireAuthorization?: string;
  /** Names this proxy resolves itself (name → address), as a proxy resolves names its clients cannot. */
  readonly hosts?: Readonly<Record<string, string>>;
  /** Serve the proxy itself over TLS (an https:// proxy) with this PEM certificate and key. */
  readonly tls?: { readonly cert: string; readonly key: string };
}

export interface ConnectProxy {
  /** http://HOST:PORT (https:// with `tls`), for http.proxy or HTTPS_PROXY. */
  readonly url: string;
  readonly port: number;
  /** Every request so far, in arrival order. */
  readonly requests: readonly ProxyRequest[];
  /** host:port of each tunnel opened so far. */
  tunnels(): string[];
  /** Forgets what was recorded (between test cases). */
  reset(): void;
  /** Stops listening and cuts every tunnel. */
  close(): Promise<void>;
}

export const PROXY_REALM = 'instamrkt-test-proxy';

export async function startConnectProxy(options: ConnectProxyOptions = {}): Promise<ConnectProxy> {
  const host = options.host ?? '127.0.0.1';
  const requests: ProxyRequest[] = [];
  const sockets = new Set<Duplex>();
  const track = (socket: Duplex): void => {
    sockets.add(socket);
    socket.once('close', () => sockets.delete(socket));
  };
  const authorized = (req: http.IncomingMessage): boolean => options.requireAuthorization === undefined || req.headers['proxy-authorization'] === options.requireAuthorization;
  const record = (req: http.IncomingMessage, outcome: ProxyRequest['outcome']): void => {
    requests.push({ method: req.method ?? '', target: req.url ?? '', proxyAuthorization: req.headers['proxy-authorization'], outcome });
  };
  const AUTH_REQUIRED = `HTTP/1.1 407 Proxy Authentication Required\r\nProxy-Authenticate: Basic realm="${PROXY_REALM}"\r\nContent-Length: 0\r\nConnection: close\r\n\r\n`;

  const handler: http.RequestListener = (req, res) => {
    // Absolute-URI requests (a plain-HTTP proxy's job) are not what this proxy does: recorded, then refused.
    const allowed = authorized(req);
    record(req, allowed ? 'refused' : 'auth-required');
    if (!allowed) res.writeHead(407, { 'Proxy-Authenticate': `Basic realm="${PROXY_REALM}"`, Connection: 'close' }).end();
    else res.writeHead(405, { Connection: 'close' }).end('This test proxy only opens CONNECT tunnels.');
  };
  const server = options.tls ? https.createServer({ cert: options.tls.cert, key: options.tls.key }, handler) : http.createServer(handler);
  // An upgrade sent as an absolute-URI GET (how an http-proxy agent sends ws://) arrives here, not as a request.
  server.on('upgrade', (req: http.IncomingMessage, socket: Duplex) => {
    track(socket);
    const allowed = authorized(req);
    record(req, allowed ? 'refused' : 'auth-required');
    socket.end(allowed ? 'HTTP/1.1 405 Method Not Allowed\r\nContent-Length: 0\r\nConnection: close\r\n\r\n' : AUTH_REQUIRED);
  });
  server.on('connect', (req: http.IncomingMessage, client: Duplex, head: Buffer) => {
    track(client);
    client.on('error', () => client.destroy());
    if (!authorized(req)) {
      record(req, 'auth-required');
      client.end(AUTH_REQUIRED);
      return;
    }
    const target = req.url ?? '';
    const colon = target.lastIndexOf(':');
    const name = target.slice(0, colon).replace(/^\[|\]$/g, '');
    const upstream = net.connect({ host: options.hosts?.[name.toLowerCase()] ?? name, port: Number(target.slice(colon + 1)) });
    track(upstream);
    upstream.once('connect', () => {
      record(req, 'tunnel');
      client.write('HTTP/1.1 200 Connection Established\r\n\r\n');
      if (head.length > 0) upstream.write(head);
      upstream.pipe(client);
      client.pipe(upstream);
    });
    upstream.on('error', () => {
      if (!client.destroyed && client.writable) client.end('HTTP/1.1 502 Bad Gateway\r\nContent-Length: 0\r\nConnection: close\r\n\r\n');
      client.destroy();
    });
    client.once('close', () => upstream.destroy());
    upstream.once('close', () => client.destroy());
  });

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, host, () => {
      server.off('error', reject);
      resolve();
    });
  });
  const port = (server.address() as net.AddressInfo).port;
  return {
    url: `${options.tls ? 'https' : 'http'}://${host.includes(':') ? `[${host}]` : host}:${port}`,
    port,
    requests,
    tunnels: () => requests.filter((r) => r.outcome === 'tunnel').map((r) => r.target),
    reset: () => {
      requests.length = 0;
    },
    close: () =>
      new Promise<void>((resolve) => {
        for (const socket of sockets) socket.destroy();
        server.close(() => resolve());
        server.closeAllConnections();
      }),
  };
}
