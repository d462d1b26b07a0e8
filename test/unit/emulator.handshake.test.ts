// The WebSocket handshake gate and logon (op 100), over real sockets.
import * as assert from 'node:assert/strict';
import { Emulator, startEmulator } from '../../src/emulator/server';
import { handshakeDigest } from '../../src/protocol/handshake';
import { RawClient, expectRefusedUpgrade, fetchXsrf, freshNonce, handshakeUrl, login } from './support/rawClient';

const HOUR = 60 * 60 * 1000;

describe('emulator handshake and logon', () => {
  let emu: Emulator;
  let clock: number;
  const clients: RawClient[] = [];

  async function open(url: string): Promise<RawClient> {
    const c = await RawClient.open(url);
    clients.push(c);
    return c;
  }

  beforeEach(async () => {
    clock = Date.now();
    emu = await startEmulator({ port: 0, now: () => clock });
  });
  afterEach(async () => {
    await Promise.all(clients.splice(0).map((c) => c.close()));
    await emu.close();
  });

  describe('upgrade', () => {
    it('accepts a correct digest', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const c = await open(handshakeUrl(emu.wsUrl, session));
      assert.equal(c.ws.readyState, c.ws.OPEN);
      assert.equal(emu.connectionCount(), 1);
    });

    it('refuses a wrong digest with HTTP 401 before upgrading', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const nonce = freshNonce();
      const wrong = handshakeDigest(String(session.id), nonce, `${session.key}x`);
      const r = await expectRefusedUpgrade(handshakeUrl(emu.wsUrl, session, nonce, wrong));
      assert.equal(r.status, 401);
      assert.ok(r.body.length > 0);
      assert.equal(emu.connectionCount(), 0);
    });

    it('refuses a digest made for another user id', async () => {
      const demo = await login(emu.url, 'demo', 'demo');
      const r = await expectRefusedUpgrade(handshakeUrl(emu.wsUrl, { id: 1002, key: demo.key }));
      assert.equal(r.status, 401);
    });

    it('refuses missing query parameters and unknown users with 401', async () => {
      for (const q of ['', '?id=1001', '?id=1001&n=1', '?id=999999&n=1&h=' + 'a'.repeat(64), '?id=abc&n=1&h=zz']) {
        const r = await expectRefusedUpgrade(`${emu.wsUrl}/${q}`);
        assert.equal(r.status, 401, q);
      }
    });

    it('refuses a nonce already used by that user (replay) with 401', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const nonce = freshNonce();
      await open(handshakeUrl(emu.wsUrl, session, nonce));
      const r = await expectRefusedUpgrade(handshakeUrl(emu.wsUrl, session, nonce));
      assert.equal(r.status, 401);
      assert.match(r.body, /nonce/);
    });

    it('refuses an expired session (older than 24 h) with 401', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      clock += 24 * HOUR + 1;
      const r = await expectRefusedUpgrade(handshakeUrl(emu.wsUrl, session));
      assert.equal(r.status, 401);
    });

    it('keeps other sessions of the user valid after a new login', async () => {
      const first = await login(emu.url, 'demo', 'demo');
      const second = await login(emu.url, 'demo', 'demo');
      assert.notEqual(second.key, first.key);
      const c = await open(handshakeUrl(emu.wsUrl, first));
      assert.equal(c.ws.readyState, c.ws.OPEN);
      assert.equal((await c.request(100)).res, 100);
    });
  });

  describe('logon (op 100)', () => {
    it('answers 100 with a session_key that is not the REST session key', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const c = await open(handshakeUrl(emu.wsUrl, session));
      const reply = await c.request(100);
      assert.equal(reply.res, 100);
      assert.equal(typeof reply.session_key, 'string');
      assert.notEqual(reply.session_key, session.key);
      assert.equal(typeof (reply.response_header as { t: unknown }).t, 'number');
    });

    it('answers 112 to a second logon on the same connection', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const c = await open(handshakeUrl(emu.wsUrl, session));
      assert.equal((await c.request(100)).res, 100);
      const again = await c.request(100);
      assert.equal(again.res, 112);
    });

    it('logs a reconnect within 15 minutes on automatically (privileged calls work, op 100 answers 112)', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const first = await open(handshakeUrl(emu.wsUrl, session));
      assert.equal((await first.request(100)).res, 100);
      await first.close();
      clock += 14 * 60 * 1000;
      const second = await open(handshakeUrl(emu.wsUrl, session));
      assert.equal((await second.request(611)).res, 621);
      assert.equal((await second.request(100)).res, 112);
    });

    it('does not log on automatically after 15 minutes away', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const first = await open(handshakeUrl(emu.wsUrl, session));
      assert.equal((await first.request(100)).res, 100);
      await first.close();
      // The close is processed by the server asynchronously; wait until it is counted.
      await waitFor(() => emu.connectionCount() === 0);
      clock += 16 * 60 * 1000;
      const second = await open(handshakeUrl(emu.wsUrl, session));
      const denied = await second.request(611);
      assert.equal(denied.res, 666);
      assert.equal(denied.text, 'You must log on first.');
      assert.equal((await second.request(100)).res, 100);
    });

    it('answers 110 with a text when the session expired after the socket opened', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const c = await open(handshakeUrl(emu.wsUrl, session));
      clock += 24 * HOUR + 1;
      const reply = await c.request(100);
      assert.equal(reply.res, 110);
      assert.equal(typeof reply.text, 'string');
      assert.ok((reply.text as string).length > 0);
    });

    it('answers 110 when the session was logged out after the socket opened', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const c = await open(handshakeUrl(emu.wsUrl, session));
      const xsrf = await fetchXsrf(emu.url);
      const out = await fetch(`${emu.url}/r/logout/`, { method: 'POST', headers: { Cookie: `_xsrf=${xsrf}; user_session_key=${session.key}`, 'X-XSRFToken': xsrf } });
      assert.equal(out.status, 200);
      assert.equal((await c.request(100)).res, 110);
    });

    it('refuses privileged calls before logon with 666 "You must log on first." and still answers ping', async () => {
      const session = await login(emu.url, 'demo', 'demo');
      const c = await open(handshakeUrl(emu.wsUrl, session));
      for (const op of [365, 366, 611, 380, 3811, 610, 370, 363, 375, 385]) {
        const r = await c.request(op, { source_id: 'x', game_id: 'x' });
        assert.deepEqual({ res: r.res, text: r.text }, { res: 666, text: 'You must log on first.' }, `op ${op}`);
      }
      assert.equal((await c.request(1)).res, 1);
      assert.equal((await c.request(2)).res, 2);
    });
  });
});

async function waitFor(condition: () => boolean, timeoutMs = 5000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error('condition not met in time');
    await new Promise((r) => setImmediate(r));
  }
}
