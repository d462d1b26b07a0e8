// Session and SourceService wired as the extension wires them
// (sources/serviceLink.ts: onDidConnect → attach, onDidLoseConnection →
// detach, sign-out → clear and forget the saved lists, onEvent →
// handleEvent), against the real emulator.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import { HostingClient } from '../fixtures/hostingClient';
import { Session } from '../../src/sources/session';
import { linkServiceToSession } from '../../src/sources/serviceLink';
import { listOwner, SourceService, type ListState } from '../../src/sources/sourceService';
import { MemoryCache } from './support/memoryCache';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger } from './support/sessionKit';
import { waitFor } from './support/wait';

describe('Session and SourceService as the extension links them (issue 12)', () => {
  let emulator: Emulator;
  let session: Session;
  let service: SourceService;
  const subscriptions: { dispose(): void }[] = [];
  let savedListsCleared = 0;
  let refuseClearAll = false;
  let cache: MemoryCache;
  /** What the link logged at warn and error. */
  let logged: string[];

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo', users: [{ username: 'alice', password: 'alice-Pa55word-xyz', developer: true }] });
    session = new Session({
      store: new MemoryStore(),
      endpoints: () => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 }),
      rest: (url) => new RestClient(url),
      logger: quietLogger,
      reconnect: { initialDelayMs: 200, maxDelayMs: 400, jitter: 0 },
    });
    cache = new MemoryCache();
    service = new SourceService(cache);
    savedListsCleared = 0;
    refuseClearAll = false;
    const savedLists = {
      clearAll: async () => {
        savedListsCleared++;
        if (refuseClearAll) throw new Error('the storage is read-only');
      },
    };
    logged = [];
    const linkLog = { ...quietLogger, warn: (m: string) => void logged.push(m), error: (m: string | Error) => void logged.push(String(m)) };
    subscriptions.push(...linkServiceToSession(session, service, savedLists, linkLog));
  });

  afterEach(async () => {
    for (const s of subscriptions.splice(0)) s.dispose();
    service.dispose();
    session.dispose();
    await emulator.close();
  });

  it('marks the list stale when the connection drops by itself (no Disconnect command), and live again after the automatic reconnect', async () => {
    await session.signIn('demo', 'demo');
    await waitFor(() => service.state.kind === 'live', 'the list to be read');
    const states: ListState[] = [];
    service.onDidChange(() => states.push(service.state));
    const droppedAt = Date.now();
    emulator.dropConnections();
    await waitFor(() => states.length >= 1, 'the list to change after the drop');
    const first = states[0];
    assert.equal(first.kind, 'stale', `the list is stale first: ${JSON.stringify(states)}`);
    assert.ok(first.kind === 'stale' && typeof first.since === 'number' && first.since >= droppedAt, JSON.stringify(first));
    assert.equal(service.list().length, 1, 'the last known list stays');
    await waitFor(() => service.state.kind === 'live', 'the list to be live again after the reconnect', 10_000);
    assert.equal(session.snapshot.status.kind, 'connected');
  });

  it('a sign-out clears the list and forgets every saved list', async () => {
    await session.signIn('demo', 'demo');
    await waitFor(() => service.state.kind === 'live' && service.list().length === 1, 'the list to be read');
    await session.signOut();
    await waitFor(() => service.state.kind === 'empty', 'the list to be cleared');
    assert.equal(service.list().length, 0, 'nothing is listed after the sign-out');
    assert.equal(savedListsCleared, 1, 'the saved lists are forgotten once');
  });

  it("two users of one server: each one's list is saved under that user, and signing in as one leaves the other's saved list as it was", async () => {
    const names = (owner: string | undefined) => cache.lists.get(owner ?? '')?.sources.map((x) => x.name);
    await session.signIn('alice', 'alice-Pa55word-xyz');
    await waitFor(() => service.state.kind === 'live', "alice's list to be read");
    await service.open('alice-only.example');
    const aliceOwner = listOwner(emulator.wsUrl, session.snapshot.userId);
    await waitFor(() => names(aliceOwner)?.length === 1, "alice's list with her source to be saved");

    await session.signIn('demo', 'demo');
    await waitFor(() => service.state.kind === 'live' && service.list().some((e) => e.info.name === 'demo.instamrkt.local'), "demo's list to be read");
    const demoOwner = listOwner(emulator.wsUrl, session.snapshot.userId);
    await waitFor(() => names(demoOwner) !== undefined, "demo's list to be saved");
    assert.notEqual(demoOwner, aliceOwner);
    assert.deepEqual(names(demoOwner), ['demo.instamrkt.local'], "demo's saved list is his own");
    assert.deepEqual(names(aliceOwner), ['alice-only.example'], "alice's saved list is as she left it");
    assert.equal(cache.lists.size, 2, 'nothing saved under any other key');
  });

  it('a disconnect with a reason (the local emulator stopped) publishes it as the last error; the next connection clears it', async () => {
    await session.signIn('demo', 'demo');
    session.disconnect('The local emulator stopped unexpectedly.');
    assert.equal(session.snapshot.status.kind, 'disconnected');
    assert.equal(session.snapshot.lastError, 'The local emulator stopped unexpectedly.');
    await session.connect();
    assert.equal(session.snapshot.lastError, undefined, 'cleared by the connection');
    session.disconnect();
    assert.equal(session.snapshot.lastError, undefined, 'a Disconnect the user chose gives no reason');
  });

  it("while signing in as another user, the previous user's list is no longer shown: the list is always the account's the status names", async () => {
    await session.signIn('alice', 'alice-Pa55word-xyz');
    await waitFor(() => service.state.kind === 'live', "alice's list to be read");
    await service.open('alice-only.example');
    emulator.setFaults({ slowLogonMs: 1_000 });
    const signingIn = session.signIn('demo', 'demo');
    await waitFor(() => session.snapshot.username === 'demo', 'the status to name demo');
    assert.equal(session.snapshot.status.kind, 'connecting');
    assert.deepEqual(service.list(), [], "alice's rows are gone while demo's sign-in is checked");
    assert.equal(service.state.kind, 'empty');
    await signingIn;
    emulator.setFaults({});
    await waitFor(() => service.state.kind === 'live', "demo's list to be read");
    assert.deepEqual(service.list().map((e) => e.info.name), ['demo.instamrkt.local']);
  });

  it('a list read that fails on connecting is logged as an error, naming what failed', async () => {
    emulator.setFaults({ dropReplies: ['list_game_sources_i_am_admin_of'] });
    await session.signIn('demo', 'demo');
    await waitFor(() => logged.some((l) => /^Could not read the source list: .*list_game_sources_i_am_admin_of/.test(l)), 'the failed read to be logged', 10_000);
  });

  it("the server's broadcasts reach the list: a game closed elsewhere leaves its source's games", async () => {
    await session.signIn('demo', 'demo');
    await waitFor(() => service.state.kind === 'live', 'the list to be read');
    const sourceId = service.list()[0].info.id;
    const login = await new RestClient(emulator.url).login('demo', 'demo');
    const host = new HostingClient({ serverUrl: emulator.wsUrl, credentials: async () => login, keepAliveMs: 0, reconnect: false });
    try {
      await host.connect();
      const game = await host.createAndOpenGame({ source_id: sourceId, game_name: 'Broadcast test', type: 'football', actions: ['goal'], targets: ['A', 'B'] });
      const active = () => service.get(sourceId)?.games?.active.map((g) => g.game_id) ?? [];
      await service.loadGames(sourceId);
      assert.ok(active().includes(game.game_id));
      await host.closeGame(game.game_id);
      await waitFor(() => !active().includes(game.game_id), 'the game_closed broadcast to reach the list');
      assert.ok(active().length > 0, "the source's other games stay");
    } finally {
      host.dispose();
    }
  });

  it('a connection that drops and comes back keeps the list on screen throughout (stale, then live), never emptied', async () => {
    await session.signIn('demo', 'demo');
    await waitFor(() => service.state.kind === 'live', 'the list to be read');
    const sizes: number[] = [];
    service.onDidChange(() => sizes.push(service.list().length));
    emulator.dropConnections();
    await waitFor(() => service.state.kind === 'stale', 'the list to be stale');
    await waitFor(() => service.state.kind === 'live', 'the list to be live again', 10_000);
    assert.ok(sizes.length >= 2 && sizes.every((n) => n === 1), `the list size at each change: ${sizes.join(', ')}`);
  });

  it('a sign-out whose saved lists cannot be removed is still a sign-out, and the failure is logged', async () => {
    await session.signIn('demo', 'demo');
    refuseClearAll = true;
    await session.signOut();
    assert.equal(session.snapshot.status.kind, 'signedOut');
    await waitFor(() => logged.some((l) => l === 'Could not remove the saved source lists: the storage is read-only'), 'the failure to be logged');
  });
});
