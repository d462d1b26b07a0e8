// No false state at start (issue 8, A4): until the stored account has been
// read, or while a sign-in that follows a switch of server is under way, the
// status says "starting", never "signed out" or "disconnected". Real
// emulator, real sockets.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import { Session, type Endpoints } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger, recordStatuses } from './support/sessionKit';

/** Read through a call, so TypeScript does not narrow one reading by an earlier assertion. */
const statusOf = (s: Session) => s.snapshot.status;
const kindOf = (s: Session): string => statusOf(s).kind;

function endpointsOf(e: Emulator): Endpoints {
  return { serverUrl: e.wsUrl, restUrl: e.url, requestTimeoutMs: 5000, keepAliveMs: 0 };
}

describe('Session: no false state at start (issue 8, A4)', () => {
  let emulator: Emulator;
  let store: MemoryStore;
  const sessions: Session[] = [];

  function makeSession(): Session {
    const s = new Session({ store, endpoints: () => endpointsOf(emulator), rest: (url) => new RestClient(url), logger: quietLogger });
    sessions.push(s);
    return s;
  }

  async function storeDemo(e: Emulator): Promise<void> {
    const login = await new RestClient(e.url).login('demo', 'demo');
    store.data.set(e.wsUrl, { userId: login.userId, username: 'demo', password: 'demo', sessionKey: login.sessionKey, issuedAt: Date.now() });
  }

  beforeEach(async () => {
    store = new MemoryStore();
    emulator = await startEmulator({ port: 0, seed: 'demo' });
  });

  afterEach(async () => {
    for (const s of sessions.splice(0)) s.dispose();
    await emulator.close();
  });

  it('says "starting" until start() has read the store, then goes straight to connecting and connected', async () => {
    await storeDemo(emulator);
    const s = makeSession();
    assert.equal(kindOf(s), 'starting', 'nothing is known before start()');
    const statuses = recordStatuses(s.onDidChange);
    await s.start(true);
    assert.equal(kindOf(s), 'connected');
    const kinds = statuses.kinds();
    assert.equal(kinds[0], 'connecting', `the first status is the truth: ${kinds.join(', ')}`);
    assert.ok(!kinds.includes('signedOut') && !kinds.includes('disconnected'), `no false state on the way: ${kinds.join(', ')}`);
  });

  it('reconfigure() says "starting", then the truth for the new settings, never "signed out" while an account is stored', async () => {
    await storeDemo(emulator);
    const s = makeSession();
    await s.start(true);
    const statuses = recordStatuses(s.onDidChange);
    await s.reconfigure(true);
    const kinds = statuses.kinds();
    assert.deepEqual(kinds.slice(0, 2), ['starting', 'connecting'], kinds.join(', '));
    assert.ok(!kinds.includes('signedOut') && !kinds.includes('disconnected'), `no false state on the way: ${kinds.join(', ')}`);
    assert.equal(kindOf(s), 'connected');
  });

  it('reconfigure() to a server with nothing stored says "starting", then "signed out"', async () => {
    const s = makeSession();
    await s.start(false);
    const statuses = recordStatuses(s.onDidChange);
    await s.reconfigure(true);
    assert.deepEqual(statuses.kinds(), ['starting', 'signedOut']);
  });

  it('useEndpoints() with a sign-in goes from "starting" to connected without ever saying "signed out"', async () => {
    const other = await startEmulator({ port: 0, seed: 'demo' });
    try {
      const s = makeSession();
      await s.start(false);
      const statuses = recordStatuses(s.onDidChange);
      await s.useEndpoints(endpointsOf(other), false, { username: 'demo', password: 'demo' });
      assert.equal(kindOf(s), 'connected');
      assert.equal(s.snapshot.serverUrl, other.wsUrl);
      assert.equal(s.snapshot.username, 'demo');
      const kinds = statuses.kinds();
      assert.equal(kinds[0], 'starting');
      assert.ok(!kinds.includes('signedOut') && !kinds.includes('disconnected'), `no false state on the way: ${kinds.join(', ')}`);
      assert.equal(store.data.get(other.wsUrl)?.username, 'demo', 'the sign-in is stored for the new server');
    } finally {
      await other.close();
    }
  });
});
