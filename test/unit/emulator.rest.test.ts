// The emulator's REST half over real HTTP: xsrf, login, logout.
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../src/emulator/server';
import { RawClient, expectRefusedUpgrade, fetchXsrf, handshakeUrl, login } from './support/rawClient';

async function post(emu: Emulator, path: string, body: string | undefined, headers: Record<string, string>): Promise<{ status: number; json: Record<string, unknown>; cookies: string[] }> {
  const res = await fetch(`${emu.url}${path}`, { method: 'POST', headers, body });
  const json = (await res.json()) as Record<string, unknown>;
  return { status: res.status, json, cookies: res.headers.getSetCookie() };
}

describe('emulator REST', () => {
  let emu: Emulator;
  beforeEach(async () => {
    emu = await startEmulator({ port: 0 });
  });
  afterEach(async () => {
    await emu.close();
  });

  describe('GET /', () => {
    it('sets a random _xsrf cookie each time', async () => {
      const a = await fetchXsrf(emu.url);
      const b = await fetchXsrf(emu.url);
      assert.match(a, /^[0-9a-f]{32}$/);
      assert.notEqual(a, b);
    });
  });

  describe('POST /r/login/', () => {
    const creds = JSON.stringify({ username: 'demo', password: 'demo' });

    it('refuses a request without the _xsrf cookie with 403 and a msg', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const r = await post(emu, '/r/login/', creds, { 'X-XSRFToken': xsrf });
      assert.equal(r.status, 403);
      assert.equal(typeof r.json.msg, 'string');
    });

    it('refuses a request without the X-XSRFToken header with 403', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const r = await post(emu, '/r/login/', creds, { Cookie: `_xsrf=${xsrf}` });
      assert.equal(r.status, 403);
    });

    it('refuses a header that differs from the cookie with 403', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const r = await post(emu, '/r/login/', creds, { Cookie: `_xsrf=${xsrf}`, 'X-XSRFToken': `${xsrf}x` });
      assert.equal(r.status, 403);
    });

    it('signs in with the right password: id, key, redirect_url and cookies', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const r = await post(emu, '/r/login/', creds, { Cookie: `_xsrf=${xsrf}`, 'X-XSRFToken': xsrf, 'Content-Type': 'application/json' });
      assert.equal(r.status, 200);
      assert.equal(r.json.username, 'demo');
      assert.equal(r.json.id, 1001);
      assert.equal(typeof r.json.user_session_key, 'string');
      assert.ok((r.json.user_session_key as string).length >= 32);
      assert.equal(typeof r.json.redirect_url, 'string');
      assert.ok(r.cookies.some((c) => c.startsWith('im_user=1001')));
      assert.ok(r.cookies.some((c) => c.startsWith(`user_session_key=${r.json.user_session_key as string}`)));
    });

    it('issues a fresh key on every login', async () => {
      const a = await login(emu.url, 'demo', 'demo');
      const b = await login(emu.url, 'demo', 'demo');
      assert.notEqual(a.key, b.key);
    });

    it('answers wrong credentials with 401 "Invalid username or password."', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const h = { Cookie: `_xsrf=${xsrf}`, 'X-XSRFToken': xsrf };
      const wrongPassword = await post(emu, '/r/login/', JSON.stringify({ username: 'demo', password: 'nope' }), h);
      assert.equal(wrongPassword.status, 401);
      assert.deepEqual(wrongPassword.json, { msg: 'Invalid username or password.' });
      const noUser = await post(emu, '/r/login/', JSON.stringify({ username: 'nobody', password: 'demo' }), h);
      assert.equal(noUser.status, 401);
      assert.deepEqual(noUser.json, { msg: 'Invalid username or password.' });
    });

    it('answers a malformed body with 400 and a msg', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const h = { Cookie: `_xsrf=${xsrf}`, 'X-XSRFToken': xsrf };
      for (const body of ['{not json', '[]', JSON.stringify({ username: 'demo' }), JSON.stringify({ username: 1, password: 'x' })]) {
        const r = await post(emu, '/r/login/', body, h);
        assert.equal(r.status, 400, body);
        assert.equal(typeof r.json.msg, 'string');
      }
    });

    it('refuses a body over 64 KiB with 413', async () => {
      const xsrf = await fetchXsrf(emu.url);
      const r = await post(emu, '/r/login/', JSON.stringify({ username: 'demo', password: 'x'.repeat(70 * 1024) }), { Cookie: `_xsrf=${xsrf}`, 'X-XSRFToken': xsrf });
      assert.equal(r.status, 413);
      assert.equal(typeof r.json.msg, 'string');
    });
  });

  describe('POST /r/logout/', () => {
    it('needs the xsrf pair', async () => {
      const r = await post(emu, '/r/logout/', undefined, {});
      assert.equal(r.status, 403);
    });

    it('ends the session: its key no longer opens a WebSocket', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const other = await login(emu.url, 'demo', 'demo');
      const xsrf = await fetchXsrf(emu.url);
      const r = await post(emu, '/r/logout/', undefined, { Cookie: `_xsrf=${xsrf}; user_session_key=${session.key}`, 'X-XSRFToken': xsrf });
      assert.equal(r.status, 200);
      assert.deepEqual(r.json, {});
      const refused = await expectRefusedUpgrade(handshakeUrl(emu.wsUrl, session));
      assert.equal(refused.status, 401);
      // The user's other session is untouched.
      const ws = await RawClient.open(handshakeUrl(emu.wsUrl, other));
      await ws.close();
    });
  });

  it('answers unknown paths with 404 JSON', async () => {
    const res = await fetch(`${emu.url}/r/nothing/`);
    assert.equal(res.status, 404);
    const body = (await res.json()) as { msg: unknown };
    assert.equal(typeof body.msg, 'string');
  });
});
