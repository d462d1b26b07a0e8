// StatusFeed: which connection change sets or clears the error the tooltip
// shows, and that a snapshot is published only when something shown changed.
// The feed reads a plain StatusSource (its own interface; Session gives it one
// over the account and connection managers): the first part sets that source
// by hand; the last test is the Session's feed over the real emulator.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import type { Account } from '../../src/sources/account';
import { Session } from '../../src/sources/session';
import type { AccountPhase, LinkState, SessionSnapshot } from '../../src/sources/status';
import { StatusFeed, type StatusSource } from '../../src/sources/statusFeed';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger } from './support/sessionKit';
import { nextEvent } from './support/wait';

/** A StatusSource whose answers the test sets. */
class Truth implements StatusSource {
  accountPhase: AccountPhase = 'held';
  linkState: LinkState = { kind: 'idle' };
  held: Account | undefined = { userId: '1001', username: 'demo', sessionKey: 'k'.repeat(48), issuedAt: 0 };
  url = 'wss://example.test/ws';
  emulator = false;
  phase(): AccountPhase {
    return this.accountPhase;
  }
  link(): LinkState {
    return this.linkState;
  }
  account(): Account | undefined {
    return this.held;
  }
  serverUrl(): string {
    return this.url;
  }
  usingEmulator(): boolean {
    return this.emulator;
  }
}

describe('StatusFeed', () => {
  let truth: Truth;
  let feed: StatusFeed;
  let seen: SessionSnapshot[];

  beforeEach(() => {
    truth = new Truth();
    feed = new StatusFeed(truth);
    seen = [];
    feed.onDidChange((s) => seen.push(s));
  });

  afterEach(() => feed.dispose());

  /** The connection changes to `link` by itself. */
  const linkBecomes = (link: LinkState): void => {
    truth.linkState = link;
    feed.linkChanged();
  };

  it('a drop of the connection (disconnected) makes its error the one the snapshot shows', () => {
    linkBecomes({ kind: 'disconnected', nextRetryAt: 123, error: 'the server went away' });
    assert.equal(feed.lastError, 'the server went away');
    assert.equal(feed.snapshot.lastError, 'the server went away');
    assert.equal(seen.at(-1)?.lastError, 'the server went away', 'and it is published');
  });

  it('a refused logon (authFailed) makes its error the one the snapshot shows', () => {
    linkBecomes({ kind: 'authFailed', error: 'Session not valid' });
    assert.equal(feed.lastError, 'Session not valid');
    assert.equal(seen.at(-1)?.lastError, 'Session not valid');
  });

  it('a connection clears the error shown before it', () => {
    feed.lastError = 'an earlier failure';
    linkBecomes({ kind: 'connected', latencyMs: 5 });
    assert.equal(feed.lastError, undefined);
    assert.equal(seen.at(-1)?.lastError, undefined);
    assert.equal(seen.at(-1)?.status.kind, 'connected');
  });

  it('connecting again after a drop keeps showing the drop\'s error', () => {
    linkBecomes({ kind: 'disconnected', nextRetryAt: 123, error: 'the server went away' });
    linkBecomes({ kind: 'connecting' });
    assert.equal(feed.lastError, 'the server went away');
    assert.equal(seen.at(-1)?.status.kind, 'connecting');
    assert.equal(seen.at(-1)?.lastError, 'the server went away');
  });

  it('going idle keeps the error shown before it', () => {
    feed.lastError = 'an earlier failure';
    linkBecomes({ kind: 'idle' });
    assert.equal(feed.lastError, 'an earlier failure');
  });

  it('publish() fires nothing when nothing shown changed, and fires once per change', () => {
    feed.publish();
    assert.equal(seen.length, 0, 'the first publish has nothing new to show');
    truth.linkState = { kind: 'connecting' };
    feed.publish();
    feed.publish();
    assert.deepEqual(seen.map((s) => s.status.kind), ['connecting'], 'one change, one event');
    feed.lastError = 'something failed';
    feed.publish();
    assert.equal(seen.length, 2, 'a new error is a change');
    assert.equal(seen[1].lastError, 'something failed');
  });

  it('the snapshot composes the status with the server, the user and whether the emulator is used', () => {
    truth.linkState = { kind: 'connected', latencyMs: 7 };
    truth.emulator = true;
    assert.deepEqual(feed.snapshot, {
      status: { kind: 'connected', latencyMs: 7 },
      serverUrl: 'wss://example.test/ws',
      username: 'demo',
      userId: '1001',
      lastError: undefined,
      usingEmulator: true,
    });
    truth.held = undefined;
    truth.accountPhase = 'none';
    assert.equal(feed.snapshot.username, undefined);
    assert.equal(feed.snapshot.status.kind, 'signedOut');
  });

  it('a refused URL (endpointError) is shown as disconnected with that reason', () => {
    feed.endpointError = 'ws:// is allowed only to loopback hosts';
    feed.publish();
    const status = seen.at(-1)?.status;
    assert.ok(status?.kind === 'disconnected' && status.error === 'ws:// is allowed only to loopback hosts', JSON.stringify(status));
  });

  it('after dispose() no listener hears a change', () => {
    feed.dispose();
    truth.linkState = { kind: 'connecting' };
    feed.publish();
    assert.equal(seen.length, 0);
  });
});

describe('StatusFeed of a Session over the real emulator', () => {
  let emulator: Emulator;
  let session: Session;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    session = new Session({
      store: new MemoryStore(),
      endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger: quietLogger,
      reconnect: { initialDelayMs: 50, maxDelayMs: 100, jitter: 0 },
    });
  });

  afterEach(async () => {
    session.dispose();
    await emulator.close();
  });

  it('an unplanned drop shows why in lastError; the automatic reconnect clears it', async () => {
    await session.signIn('demo', 'demo');
    assert.equal(session.snapshot.lastError, undefined);
    const lost = nextEvent(session.onDidChange, (s) => s.status.kind === 'disconnected', 'the drop to be shown');
    emulator.dropConnections();
    const dropped = await lost;
    assert.ok(dropped.status.kind === 'disconnected' && dropped.status.error !== undefined, JSON.stringify(dropped.status));
    assert.equal(dropped.lastError, dropped.status.error, 'the tooltip shows the drop\'s error');
    const back = await nextEvent(session.onDidChange, (s) => s.status.kind === 'connected', 'the reconnect', 10_000);
    assert.equal(back.lastError, undefined, 'the reconnect cleared it');
  });
});
