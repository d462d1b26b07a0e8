// The Accounts-menu sessions: the pure mapping from the held account to a
// session and the change events between states, then the same rules driven
// by a real Session against the emulator (sign-in, key renewal, sign-out,
// switch of server), as the provider in ui/authProvider.ts sees them.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import {
  accountLabel,
  matchingSessions,
  scopesSupported,
  sessionId,
  sessionOf,
  sessionsChange,
  type AuthSession,
  type AuthSessionsChange,
  type HeldAccount,
} from '../../src/sources/authSessions';
import { Session, SESSION_KEY_LIFETIME_MS } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger } from './support/sessionKit';

const PROD = 'wss://instamrkt.com:9999';
const demo: HeldAccount = { serverUrl: PROD, userId: '1001', username: 'demo', sessionKey: 'key-one-0123456789' };

describe('authSessions (pure)', () => {
  describe('sessionOf', () => {
    it('has no session when nobody is signed in', () => {
      assert.equal(sessionOf(undefined), undefined);
    });

    it('maps the held account to one session: id of user and server, the key as access token, no scopes', () => {
      assert.deepEqual(sessionOf(demo), {
        id: '1001@wss://instamrkt.com:9999',
        accessToken: 'key-one-0123456789',
        account: { id: '1001', label: 'demo' },
        scopes: [],
      });
    });

    it('keeps the id when only the key changes (a renewal), and changes it for another user or server', () => {
      const id = sessionOf(demo)?.id;
      assert.equal(sessionOf({ ...demo, sessionKey: 'key-two-0123456789' })?.id, id);
      assert.notEqual(sessionOf({ ...demo, userId: '1002' })?.id, id);
      assert.notEqual(sessionOf({ ...demo, serverUrl: 'ws://127.0.0.1:9999' })?.id, id);
    });

    it('never puts the key in the id or the label', () => {
      const s = sessionOf(demo);
      assert.ok(s);
      assert.ok(!s.id.includes(demo.sessionKey) && !s.account.label.includes(demo.sessionKey));
    });
  });

  describe('sessionId', () => {
    it('is the user id at the server URL', () => {
      assert.equal(sessionId('ws://127.0.0.1:9999', '7'), '7@ws://127.0.0.1:9999');
    });
  });

  describe('accountLabel', () => {
    it('is the username alone on the production server, whatever its port', () => {
      assert.equal(accountLabel(demo), 'demo');
      assert.equal(accountLabel({ ...demo, serverUrl: 'wss://instamrkt.com' }), 'demo');
    });

    it('names the host of any other server, so an emulator account is not taken for a real one', () => {
      assert.equal(accountLabel({ ...demo, serverUrl: 'ws://127.0.0.1:9999' }), 'demo (127.0.0.1:9999)');
      assert.equal(accountLabel({ ...demo, serverUrl: 'wss://staging.instamrkt.com' }), 'demo (staging.instamrkt.com)');
    });

    it('names the user id when the username is unknown (a pasted session key)', () => {
      assert.equal(accountLabel({ ...demo, username: undefined }), 'user 1001');
    });

    it('shows an unparsable server URL as it is', () => {
      assert.equal(accountLabel({ ...demo, serverUrl: 'not a url' }), 'demo (not a url)');
    });
  });

  describe('scopes', () => {
    it('supports only the empty scope set, and undefined (any)', () => {
      assert.equal(scopesSupported([]), true);
      assert.equal(scopesSupported(undefined), true);
      assert.equal(scopesSupported(['read']), false);
    });

    it('answers getSessions with the session for no scopes, and nothing for a scope or another account', () => {
      const s = sessionOf(demo);
      assert.deepEqual(matchingSessions(s, []), [s]);
      assert.deepEqual(matchingSessions(s, undefined), [s]);
      assert.deepEqual(matchingSessions(s, ['sources']), []);
      assert.deepEqual(matchingSessions(s, [], 'demo'), [s]);
      assert.deepEqual(matchingSessions(s, [], 'someone else'), []);
      assert.deepEqual(matchingSessions(undefined, []), []);
    });
  });

  describe('sessionsChange', () => {
    const one = sessionOf(demo);
    const renewed = sessionOf({ ...demo, sessionKey: 'key-two-0123456789' });
    const other = sessionOf({ ...demo, userId: '1002', username: 'alice' });

    it('is nothing between two equal states', () => {
      assert.equal(sessionsChange(undefined, undefined), undefined);
      assert.equal(sessionsChange(one, sessionOf(demo)), undefined);
    });

    it('adds on sign-in and removes on sign-out', () => {
      assert.deepEqual(sessionsChange(undefined, one), { added: [one], removed: [], changed: [] });
      assert.deepEqual(sessionsChange(one, undefined), { added: [], removed: [one], changed: [] });
    });

    it('changes on a renewed key (same id)', () => {
      assert.deepEqual(sessionsChange(one, renewed), { added: [], removed: [], changed: [renewed] });
    });

    it('changes when only the label changes (the username became known)', () => {
      const unnamed = sessionOf({ ...demo, username: undefined });
      assert.deepEqual(sessionsChange(unnamed, one), { added: [], removed: [], changed: [one] });
    });

    it('removes the old and adds the new session for another account', () => {
      assert.deepEqual(sessionsChange(one, other), { added: [other], removed: [one], changed: [] });
    });
  });
});

describe('Session → Accounts-menu sessions (real emulator)', () => {
  let emulator: Emulator;
  let clock: number;
  let store: MemoryStore;
  let session: Session;
  /** What the provider would fire, in order. */
  let events: AuthSessionsChange[];
  let shown: AuthSession | undefined;

  beforeEach(async () => {
    clock = Date.now();
    store = new MemoryStore();
    emulator = await startEmulator({ port: 0, seed: 'demo', now: () => clock });
    let serverUrl = emulator.wsUrl;
    session = new Session({
      store,
      endpoints: () => ({ serverUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger: quietLogger,
      now: () => clock,
    });
    events = [];
    shown = undefined;
    // The provider's rule: map on every account change, fire what differs.
    session.onDidChangeAccount(() => {
      const next = sessionOf(session.heldAccount ?? undefined);
      const change = sessionsChange(shown, next);
      shown = next;
      if (change) events.push(change);
    });
    switchServer = (url) => {
      serverUrl = url;
    };
  });
  let switchServer: (url: string) => void;

  afterEach(async () => {
    session.dispose();
    await emulator.close();
  });

  it('is not known before the store is read, then null when nobody is signed in', async () => {
    assert.equal(session.heldAccount, undefined);
    await session.start(false);
    assert.equal(session.heldAccount, null);
    assert.deepEqual(events, []);
  });

  it('adds the session on sign-in, changes it on key renewal, removes it on sign-out', async () => {
    await session.start(false);
    await session.signIn('demo', 'demo');
    const first = store.data.get(emulator.wsUrl);
    assert.ok(first);
    assert.equal(events.length, 1);
    assert.deepEqual(events[0].added.map((s) => [s.id, s.accessToken, s.account.label]), [[`1001@${emulator.wsUrl}`, first.sessionKey, 'demo (' + new URL(emulator.wsUrl).host + ')']]);

    session.disconnect();
    clock += SESSION_KEY_LIFETIME_MS + 60_000;
    await session.connect();
    const renewed = store.data.get(emulator.wsUrl)?.sessionKey;
    assert.ok(renewed && renewed !== first.sessionKey, 'the key was renewed');
    assert.equal(events.length, 2);
    assert.deepEqual(events[1].changed.map((s) => [s.id, s.accessToken]), [[`1001@${emulator.wsUrl}`, renewed]]);
    assert.deepEqual([events[1].added, events[1].removed], [[], []]);

    await session.signOut();
    assert.equal(events.length, 3);
    assert.deepEqual(events[2].removed.map((s) => s.id), [`1001@${emulator.wsUrl}`]);
    assert.equal(session.heldAccount, null);
  });

  it('adds the stored session when the store is read at start', async () => {
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    store.data.set(emulator.wsUrl, { userId: login.userId, username: 'demo', sessionKey: login.sessionKey, issuedAt: clock });
    await session.start(false);
    assert.deepEqual(
      events.map((e) => e.added.map((s) => s.accessToken)),
      [[login.sessionKey]],
    );
  });

  it('removes the session when the server changes, before the other server’s store is read', async () => {
    await session.start(false);
    await session.signIn('demo', 'demo');
    switchServer('ws://127.0.0.1:1');
    const reconfiguring = session.reconfigure(false);
    assert.equal(session.heldAccount, undefined, 'not known for the new server yet');
    assert.deepEqual(events[1]?.removed.map((s) => s.id), [`1001@${emulator.wsUrl}`]);
    await reconfiguring;
    assert.equal(session.heldAccount, null);
    assert.equal(events.length, 2);
  });

  it('keeps the previous session while a sign-in is being checked, and leaves it when the sign-in is refused', async () => {
    await session.start(false);
    await session.signIn('demo', 'demo');
    await assert.rejects(session.signIn('demo', 'wrong'));
    assert.equal(events.length, 1, 'nothing changed for the Accounts menu');
    assert.equal(session.heldAccount?.username, 'demo');
  });
});
