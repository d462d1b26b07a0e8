// One HTTP request and its whole reply, against a small real server on a
// loopback port: the reply as read, the size cap, a proxy's 407, a reply that
// breaks off, and a server that never answers.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import type { AddressInfo } from 'node:net';
import { ConnectionFailedError, ProtocolError, ProxyAuthenticationError } from '../../src/protocol/errors';
import { exchange } from '../../src/protocol/httpExchange';
import { routeFor } from '../../src/protocol/network';

describe('exchange', () => {
  let server: http.Server;
  let base: URL;
  let handle: (req: http.IncomingMessage, res: http.ServerResponse) => void;
  const received: { method: string; url: string; headers: http.IncomingHttpHeaders; body: string }[] = [];

  beforeEach(async () => {
    received.length = 0;
    server = http.createServer((req, res) => {
      let body = '';
      req.on('data', (c: Buffer) => (body += c.toString()));
      req.on('end', () => {
        received.push({ method: req.method ?? '', url: req.url ?? '', headers: req.headers, body });
        handle(req, res);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    base = new URL(`http://127.0.0.1:${(server.address() as AddressInfo).port}`);
  });
  afterEach(async () => {
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
  });

  const send = async (path: string, options: { method?: 'GET' | 'POST'; body?: string; timeoutMs?: number; maxBytes?: number } = {}) =>
    exchange(new URL(path, base), await routeFor(base, { env: {} }), {
      method: options.method ?? 'GET',
      headers: { 'X-Test': 'yes' },
      body: options.body,
      timeoutMs: options.timeoutMs ?? 5000,
      maxBytes: options.maxBytes ?? 1024,
    });
  const failure = (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: unknown) => e as Error);

  it('sends the method, headers and body, and returns the status, every Set-Cookie line and the text, with no TLS details over http', async () => {
    handle = (_req, res) => {
      res.writeHead(201, { 'Set-Cookie': ['a=1', 'b=2'] });
      res.write('Zür');
      res.end('ich ⚽');
    };
    const reply = await send('/r/x/?q=1', { method: 'POST', body: '{"k":1}' });
    assert.deepEqual(reply, { status: 201, cookies: ['a=1', 'b=2'], text: 'Zürich ⚽', tls: undefined });
    assert.deepEqual([received[0].method, received[0].url, received[0].headers['x-test'], received[0].body], ['POST', '/r/x/?q=1', 'yes', '{"k":1}']);
    handle = (_req, res) => res.end();
    assert.deepEqual(await send('/'), { status: 200, cookies: [], text: '', tls: undefined });
  });

  it('reads a reply of exactly maxBytes, and refuses one byte more as ProtocolError naming the path', async () => {
    handle = (_req, res) => res.end('x'.repeat(1024));
    assert.equal((await send('/big')).text.length, 1024);
    handle = (_req, res) => res.end('x'.repeat(1025));
    const err = await failure(send('/big'));
    assert.ok(err instanceof ProtocolError);
    assert.equal(err.message, 'The reply from /big is too large (over 1024 bytes).');
  });

  it("takes a 407 for the proxy's demand for credentials", async () => {
    handle = (_req, res) => {
      res.writeHead(407);
      res.end('auth please');
    };
    const err = await failure(send('/'));
    assert.ok(err instanceof ProxyAuthenticationError);
  });

  it('reports a server that never answers, naming it and the seconds waited', async () => {
    handle = () => undefined;
    const started = Date.now();
    const err = await failure(send('/', { timeoutMs: 300 }));
    assert.ok(err instanceof ConnectionFailedError);
    assert.equal(err.message, `Could not reach ${base.origin}: no reply within 0 s.`);
    assert.ok(Date.now() - started >= 290, 'not before the time is up');
    const slow = await failure(send('/', { timeoutMs: 1600 }));
    assert.equal(slow.message, `Could not reach ${base.origin}: no reply within 2 s.`);
  });

  it('reports a reply that breaks off as ConnectionFailedError with its status', async () => {
    handle = (_req, res) => {
      res.writeHead(200, { 'Content-Length': '100' });
      res.write('part');
      setTimeout(() => res.socket?.destroy(), 20);
    };
    const err = await failure(send('/cut'));
    assert.ok(err instanceof ConnectionFailedError, String(err));
    assert.equal(err.message, 'The connection broke while reading the reply from /cut (HTTP 200).');
    assert.equal(err.status, 200);
  });

  it('reports a server that is not there as ConnectionFailedError naming the host', async () => {
    const port = base.port;
    server.closeAllConnections();
    await new Promise<void>((resolve) => server.close(() => resolve()));
    server = http.createServer().listen(0, '127.0.0.1');
    const err = await failure(exchange(new URL(`http://127.0.0.1:${port}/`), await routeFor(base, { env: {} }), { method: 'GET', headers: {}, timeoutMs: 5000, maxBytes: 10 }));
    assert.ok(err instanceof ConnectionFailedError);
    assert.match(err.message, new RegExp(`^Could not connect to 127\\.0\\.0\\.1:${port}: .*ECONNREFUSED`));
  });
});
