// The run's emulator, reached from inside the extension host over real
// sockets: the REST sign-in the extension will use, and the WebSocket
// handshake with its digest.
import * as assert from 'node:assert/strict';
import WebSocket from 'ws';
import { buildHandshakeUrl } from '../../src/protocol/handshake';
import { testConfig } from './config';

interface Login {
  readonly id: string;
  readonly sessionKey: string;
}

async function xsrfToken(): Promise<string> {
  const response = await fetch(new URL('/', testConfig().restUrl));
  const cookie = response.headers.getSetCookie().find((value) => value.startsWith('_xsrf='));
  assert.ok(cookie, `GET / set no _xsrf cookie (status ${response.status})`);
  return cookie.slice('_xsrf='.length).split(';')[0];
}

async function login(username: string, password: string): Promise<Login> {
  const token = await xsrfToken();
  const response = await fetch(new URL('/r/login/', testConfig().restUrl), {
    method: 'POST',
    headers: { 'content-type': 'application/json', cookie: `_xsrf=${token}`, 'X-XSRFToken': token },
    body: JSON.stringify({ username, password }),
  });
  assert.equal(response.status, 200, `login as ${username} answered ${response.status}`);
  const body = (await response.json()) as { id?: unknown; user_session_key?: unknown };
  assert.ok(body.id !== undefined && typeof body.user_session_key === 'string', 'login reply lacks id or user_session_key');
  return { id: String(body.id), sessionKey: body.user_session_key };
}

/** Resolves 'open', or the HTTP status the server refused the upgrade with. */
function connect(url: URL): Promise<'open' | number> {
  return new Promise((resolve, reject) => {
    const socket = new WebSocket(url);
    socket.once('open', () => {
      socket.close();
      resolve('open');
    });
    socket.once('unexpected-response', (_request, response) => {
      socket.terminate();
      resolve(response.statusCode ?? 0);
    });
    socket.once('error', reject);
  });
}

describe('the emulator seen from the extension host', () => {
  it('issues an _xsrf cookie on GET /', async () => {
    assert.ok((await xsrfToken()).length > 0);
  });

  it('signs in the demo developer over REST', async () => {
    const session = await login('demo', 'demo');
    assert.ok(session.sessionKey.length > 0);
  });

  it('accepts a WebSocket handshake with a valid digest', async () => {
    const session = await login('demo', 'demo');
    assert.equal(await connect(buildHandshakeUrl(testConfig().serverUrl, session.id, session.sessionKey)), 'open');
  });

  it('refuses a WebSocket handshake whose digest does not match with HTTP 401', async () => {
    const session = await login('demo', 'demo');
    assert.equal(await connect(buildHandshakeUrl(testConfig().serverUrl, session.id, `${session.sessionKey}x`)), 401);
  });
});
