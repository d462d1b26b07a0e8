// REST sign-in (PROTOCOL §2): against the emulator, and against a small HTTP
// server that checks the anti-forgery pair and misbehaves on purpose.
import * as assert from 'node:assert/strict';
import * as http from 'node:http';
import { AddressInfo } from 'node:net';
import { startEmulator } from '../../src/emulator/server';
import { InstamrktClient } from '../../src/protocol/client';
import { AuthenticationError, ConnectionFailedError, InsecureUrlError, InvalidArgumentError, ProtocolError } from '../../src/protocol/errors';
import { RestClient } from '../../src/protocol/rest';

type Emulator = Awaited<ReturnType<typeof startEmulator>>;

describe('RestClient', () => {
  describe('against the emulator', () => {
    let emulator: Emulator;
    before(async () => {
      emulator = await startEmulator({ port: 0, seed: 'demo' });
    });
    after(async () => {
      await emulator.close();
    });

    it('signs in with the demo user and returns id, name and session key', async () => {
      const result = await new RestClient(emulator.url).login('demo', 'demo');
      assert.equal(result.userId, '1001');
      assert.equal(result.username, 'demo');
      assert.match(result.sessionKey, /^\S{16,}$/);
      assert.equal(typeof result.redirectUrl, 'string');
    });

    it('issues a fresh session key on every sign-in', async () => {
      const rest = new RestClient(emulator.url);
      const a = await rest.login('player', 'player');
      const b = await rest.login('player', 'player');
      assert.equal(a.userId, '1002');
      assert.notEqual(a.sessionKey, b.sessionKey);
    });

    it('rejects a wrong password with AuthenticationError carrying the server message, never the password', async () => {
      const err = await new RestClient(emulator.url).login('demo', 'wrong-password-xyz').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof AuthenticationError, String(err));
      assert.equal(err.message, 'Invalid username or password.');
      assert.ok(!err.message.includes('wrong-password-xyz'));
    });

    it('signs out: the session key no longer opens the WebSocket', async () => {
      const rest = new RestClient(emulator.url);
      const session = await rest.login('demo', 'demo');
      await rest.logout(session.sessionKey);
      const client = new InstamrktClient({
        serverUrl: emulator.wsUrl,
        credentials: async () => ({ userId: session.userId, sessionKey: session.sessionKey }),
        reconnect: false,
        keepAliveMs: 0,
      });
      try {
        await assert.rejects(client.connect(), AuthenticationError);
      } finally {
        client.dispose();
      }
    });

    it('throws InvalidArgumentError for empty credentials without calling the server', async () => {
      const rest = new RestClient(emulator.url);
      await assert.rejects(rest.login('', 'x'), InvalidArgumentError);
      await assert.rejects(rest.login('demo', ''), InvalidArgumentError);
      await assert.rejects(rest.logout(''), InvalidArgumentError);
    });
  });

  describe('against a scripted HTTP server', () => {
    let server: http.Server;
    let base: string;
    let seen: { method: string; url: string; cookie: string | undefined; xsrfHeader: string | undefined; body: string }[];
    let onLogin: (res: http.ServerResponse) => void;

    beforeEach(async () => {
      seen = [];
      onLogin = (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ username: 'u', id: 5, user_session_key: 'k5', redirect_url: '/' }));
      };
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie, xsrfHeader: req.headers['x-xsrftoken'] as string | undefined, body });
          if (req.method === 'GET' && req.url === '/') {
            res.writeHead(200, { 'Set-Cookie': ['other=1; Path=/', '_xsrf=tok-123; Path=/'], 'Content-Type': 'text/html' });
            res.end('<html></html>');
          } else if (req.url === '/r/login/') onLogin(res);
          else {
            res.writeHead(200, { 'Content-Type': 'application/json' });
            res.end('{}');
          }
        });
      });
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      base = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
    });
    afterEach(async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    });

    it('fetches _xsrf once per client and sends it as cookie and X-XSRFToken', async () => {
      const rest = new RestClient(base);
      await rest.login('u', 'p');
      await rest.logout('k5');
      assert.deepEqual(seen.map((s) => `${s.method} ${s.url}`), ['GET /', 'POST /r/login/', 'POST /r/logout/']);
      for (const post of seen.slice(1)) {
        assert.equal(post.xsrfHeader, 'tok-123');
        assert.match(post.cookie ?? '', /(^|; )_xsrf=tok-123(;|$)/);
      }
      assert.deepEqual(JSON.parse(seen[1].body), { username: 'u', password: 'p' });
      assert.match(seen[2].cookie ?? '', /user_session_key=k5/);
    });

    it('reports a server error with its status and message as ConnectionFailedError', async () => {
      onLogin = (res) => {
        res.writeHead(500, { 'Content-Type': 'application/json' });
        res.end('{"msg":"database down"}');
      };
      const err = await new RestClient(base).login('u', 'p').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ConnectionFailedError, String(err));
      assert.equal(err.status, 500);
      assert.match(err.message, /HTTP 500 — database down/);
    });

    it('reports a 403 without a body as AuthenticationError naming the status', async () => {
      onLogin = (res) => {
        res.writeHead(403);
        res.end();
      };
      await assert.rejects(new RestClient(base).login('u', 'p'), (e: unknown) => e instanceof AuthenticationError && /403/.test(e.message));
    });

    it('reports a 200 reply that is not JSON, or lacks the key, as ProtocolError', async () => {
      onLogin = (res) => {
        res.writeHead(200, { 'Content-Type': 'text/html' });
        res.end('<html>maintenance</html>');
      };
      await assert.rejects(new RestClient(base).login('u', 'p'), (e: unknown) => e instanceof ProtocolError && /not JSON \(HTTP 200\)/.test(e.message));
      onLogin = (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{"id":5}');
      };
      await assert.rejects(new RestClient(base).login('u', 'p'), (e: unknown) => e instanceof ProtocolError && /session key/.test(e.message));
    });

    it('times out a server that never answers with ConnectionFailedError', async () => {
      onLogin = () => undefined; // never answers
      const started = Date.now();
      const err = await new RestClient(base, { timeoutMs: 200 }).login('u', 'p').then(() => undefined, (e: unknown) => e);
      assert.ok(err instanceof ConnectionFailedError, String(err));
      assert.match(err.message, /no reply within/);
      assert.ok(Date.now() - started < 5000);
    });

    it('reports a server that sets no _xsrf cookie as ProtocolError', async () => {
      server.removeAllListeners('request');
      server.on('request', (_req: http.IncomingMessage, res: http.ServerResponse) => {
        res.writeHead(200);
        res.end('hi');
      });
      await assert.rejects(new RestClient(base).login('u', 'p'), (e: unknown) => e instanceof ProtocolError && /_xsrf/.test(e.message));
    });
  });

  it('reports an unreachable server as ConnectionFailedError', async () => {
    const closed = http.createServer();
    await new Promise<void>((resolve) => closed.listen(0, '127.0.0.1', resolve));
    const port = (closed.address() as AddressInfo).port;
    await new Promise<void>((resolve) => closed.close(() => resolve()));
    await assert.rejects(new RestClient(`http://127.0.0.1:${port}`).login('u', 'p'), (e: unknown) => e instanceof ConnectionFailedError && /ECONNREFUSED/.test(e.message));
  });

  it('refuses http:// to a host that is not loopback', () => {
    assert.throws(() => new RestClient('http://instamrkt.com'), InsecureUrlError);
    assert.doesNotThrow(() => new RestClient('https://instamrkt.com'));
  });
});
