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
    let onLogout: (res: http.ServerResponse) => void;
    let rootCookies: string[];
    let headersSeen: http.IncomingHttpHeaders[];

    beforeEach(async () => {
      seen = [];
      headersSeen = [];
      rootCookies = ['other=1; Path=/', '_xsrf=tok-123; Path=/'];
      onLogout = (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end('{}');
      };
      onLogin = (res) => {
        res.writeHead(200, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ username: 'u', id: 5, user_session_key: 'k5', redirect_url: '/' }));
      };
      server = http.createServer((req, res) => {
        let body = '';
        req.on('data', (c: Buffer) => (body += c.toString()));
        req.on('end', () => {
          seen.push({ method: req.method ?? '', url: req.url ?? '', cookie: req.headers.cookie, xsrfHeader: req.headers['x-xsrftoken'] as string | undefined, body });
          headersSeen.push(req.headers);
          if (req.method === 'GET' && req.url === '/') {
            res.writeHead(200, { 'Set-Cookie': rootCookies, 'Content-Type': 'text/html' });
            res.end('<html></html>');
          } else if (req.url === '/r/login/') onLogin(res);
          else onLogout(res);
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

    const replyWith = (status: number, body: string) => (res: http.ServerResponse) => {
      res.writeHead(status, { 'Content-Type': 'application/json' });
      res.end(body);
    };
    const failure = (p: Promise<unknown>) => p.then(() => assert.fail('expected a failure'), (e: unknown) => e as Error);

    it("returns the user id (a number as its decimal text), the server's user name, the session key and the redirect", async () => {
      assert.deepEqual(await new RestClient(base).login('u', 'p'), { userId: '5', username: 'u', sessionKey: 'k5', redirectUrl: '/' });
      onLogin = replyWith(200, '{"id":"abc","username":"Server Name","user_session_key":"k"}');
      assert.deepEqual(await new RestClient(base).login('typed', 'p'), { userId: 'abc', username: 'Server Name', sessionKey: 'k', redirectUrl: undefined });
      onLogin = replyWith(200, '{"id":7,"username":7,"user_session_key":"k","redirect_url":5}');
      assert.deepEqual(await new RestClient(base).login('typed', 'p'), { userId: '7', username: 'typed', sessionKey: 'k', redirectUrl: undefined });
    });

    it('refuses a sign-in reply without a usable user id or session key, or that is no object, as ProtocolError', async () => {
      const cases: [string, string][] = [
        ['{"id":"","user_session_key":"k"}', 'The sign-in reply has no user id.'],
        ['{"id":1.5,"user_session_key":"k"}', 'The sign-in reply has no user id.'],
        ['{"id":9007199254740993,"user_session_key":"k"}', 'The sign-in reply has no user id.'],
        ['{"id":true,"user_session_key":"k"}', 'The sign-in reply has no user id.'],
        ['{"user_session_key":"k"}', 'The sign-in reply has no user id.'],
        ['{"id":5,"user_session_key":""}', 'The sign-in reply has no session key.'],
        ['{"id":5,"user_session_key":5}', 'The sign-in reply has no session key.'],
        ['[{"id":5,"user_session_key":"k"}]', 'The sign-in reply is not a JSON object.'],
        ['null', 'The sign-in reply is not a JSON object.'],
        ['  ', 'The sign-in reply is not a JSON object.'],
      ];
      for (const [body, message] of cases) {
        onLogin = replyWith(200, body);
        const err = await failure(new RestClient(base).login('u', 'p'));
        assert.ok(err instanceof ProtocolError, body);
        assert.equal(err.message, message, body);
      }
      onLogin = replyWith(200, '<html>');
      assert.equal((await failure(new RestClient(base).login('u', 'p'))).message, 'The reply to /r/login/ is not JSON (HTTP 200).');
    });

    it("a refusal (401, 403) shows the server's reason trimmed, or names the status; other statuses are failures with the reason after the status", async () => {
      onLogin = replyWith(401, '{"msg":"  Wrong password.  "}');
      let err = await failure(new RestClient(base).login('u', 'p'));
      assert.ok(err instanceof AuthenticationError);
      assert.equal(err.message, 'Wrong password.');
      onLogin = replyWith(401, '{"msg":"   "}');
      assert.equal((await failure(new RestClient(base).login('u', 'p'))).message, 'Sign-in refused by the server (HTTP 401).');
      onLogin = replyWith(403, '{"msg":5}');
      assert.equal((await failure(new RestClient(base).login('u', 'p'))).message, 'Sign-in refused by the server (HTTP 403).');
      onLogin = replyWith(502, '<html>bad gateway</html>');
      err = await failure(new RestClient(base).login('u', 'p'));
      assert.ok(err instanceof ConnectionFailedError, 'a body that is not JSON on an error status is no ProtocolError');
      assert.equal(err.message, 'Sign-in failed: HTTP 502.');
      assert.equal(err.status, 502);
      onLogin = replyWith(201, '{"msg":"created?"}');
      err = await failure(new RestClient(base).login('u', 'p'));
      assert.ok(err instanceof ConnectionFailedError);
      assert.equal(err.message, 'Sign-in failed: HTTP 201 — created?.');
    });

    it('after a 403 fetches a fresh _xsrf token for the next call; otherwise keeps the one it has', async () => {
      const rest = new RestClient(base);
      onLogin = replyWith(401, '{}');
      await failure(rest.login('u', 'p'));
      await failure(rest.login('u', 'p'));
      assert.deepEqual(seen.map((r) => `${r.method} ${r.url}`), ['GET /', 'POST /r/login/', 'POST /r/login/']);
      onLogin = replyWith(403, '{}');
      await failure(rest.login('u', 'p'));
      rootCookies = ['_xsrf=tok-456'];
      onLogin = replyWith(200, '{"id":5,"user_session_key":"k"}');
      await rest.login('u', 'p');
      assert.deepEqual(seen.slice(3).map((r) => `${r.method} ${r.url} ${r.xsrfHeader ?? ''}`), ['POST /r/login/ tok-123', 'GET / ', 'POST /r/login/ tok-456']);
    });

    it('signs out with the session key as a cookie (encoded), JSON headers only where there is a JSON body; any 2xx is success', async () => {
      onLogout = replyWith(204, '');
      await new RestClient(base).logout('a b;c');
      const post = headersSeen[1];
      assert.equal(post.cookie, '_xsrf=tok-123; user_session_key=a%20b%3Bc');
      assert.equal(post['content-type'], undefined);
      assert.equal(post.accept, 'application/json');
      assert.equal(seen[1].body, '');
      await new RestClient(base).login('u', 'p');
      assert.equal(headersSeen[3]['content-type'], 'application/json');
      assert.equal(headersSeen[3].cookie, '_xsrf=tok-123');
      onLogout = replyWith(299, '');
      await new RestClient(base).logout('k');
    });

    it('a sign-out the server refuses or fails is an error naming the status', async () => {
      for (const [status, type, message] of [
        [300, ConnectionFailedError, 'Sign-out failed: HTTP 300.'],
        [401, AuthenticationError, 'Sign-out refused by the server (HTTP 401).'],
        [500, ConnectionFailedError, 'Sign-out failed: HTTP 500 — down.'],
      ] as const) {
        onLogout = replyWith(status, status === 500 ? '{"msg":"down"}' : '');
        const err = await failure(new RestClient(base).logout('k'));
        assert.ok(err instanceof type, String(status));
        assert.equal(err.message, message);
      }
    });

    it('reads the _xsrf cookie whatever its neighbours, quotes and blanks; an empty one does not count', async () => {
      const cases: [string[], string][] = [
        [['_xsrf="quoted-1"; Path=/'], 'quoted-1'],
        [[' _xsrf = spaced ; Path=/'], 'spaced'],
        [['x_xsrf=wrong', '=nameless', '_xsrf=; Path=/', '_xsrf=second'], 'second'],
        [['a=1', '_xsrf=tok=with=equals'], 'tok=with=equals'],
      ];
      for (const [cookies, token] of cases) {
        rootCookies = cookies;
        seen = [];
        await new RestClient(base).login('u', 'p');
        assert.equal(seen[1].xsrfHeader, token, cookies.join(' | '));
      }
      rootCookies = ['_xsrf=', '_xsrf2=x', '_xsr=y'];
      const err = await failure(new RestClient(base).login('u', 'p'));
      assert.ok(err instanceof ProtocolError);
      assert.equal(err.message, 'The server did not set the _xsrf cookie (HTTP 200 from GET /).');
    });

    it('probe() GETs / once and says whether the _xsrf cookie came, and how the server was reached', async () => {
      const probe = await new RestClient(base).probe();
      assert.equal(probe.status, 200);
      assert.equal(probe.xsrf, true);
      assert.equal(probe.tls, undefined);
      assert.match(probe.decision.reason, /^direct/);
      rootCookies = ['other=1'];
      assert.equal((await new RestClient(base).probe()).xsrf, false);
      assert.deepEqual(seen.map((r) => `${r.method} ${r.url}`), ['GET /', 'GET /']);
    });

    it('refuses bad arguments before calling the server', async () => {
      for (const timeoutMs of [0, -1, Number.NaN, Infinity]) assert.throws(() => new RestClient(base, { timeoutMs }), InvalidArgumentError, String(timeoutMs));
      const rest = new RestClient(base);
      await assert.rejects(rest.login('  ', 'p'), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'A user name is required.');
      await assert.rejects(rest.login('u', ''), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'A password is required.');
      await assert.rejects(rest.logout(''), (e: unknown) => e instanceof InvalidArgumentError && e.message === 'A session key is required to sign out.');
      assert.deepEqual(seen, []);
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
