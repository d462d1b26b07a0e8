// The list belongs to the account it was read for (its owner: server and
// user). When another account's connection attaches, a reply that was meant
// for the earlier one changes nothing: it is neither shown nor saved under
// the new owner, and the new owner's read is its own. Real emulator, real
// clients; the emulator holds chosen replies back (replyDelays).
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { SourceService } from '../../src/sources/sourceService';
import { ClientPool, type Emulator } from './support/emulatorClients';
import { MemoryCache } from './support/memoryCache';
import { RequestLog } from './support/requestLog';
import { waitFor } from './support/wait';

const ALICE = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };
const DEMO_OWNER = 'ws://emulator|demo';
const ALICE_OWNER = 'ws://emulator|alice';

describe('SourceService: a list belongs to the account it was read for', () => {
  let requests: RequestLog;
  let emulator: Emulator;
  let pool: ClientPool;
  let cache: MemoryCache;
  let service: SourceService;

  beforeEach(async () => {
    requests = new RequestLog();
    emulator = await startEmulator({ port: 0, seed: 'demo', log: requests.log, users: [ALICE] });
    pool = new ClientPool(() => emulator);
    cache = new MemoryCache();
    service = new SourceService(cache);
    const alice = await pool.connected(ALICE.username, ALICE.password);
    await alice.openGameSource('alice-only.example');
  });

  afterEach(async () => {
    service.dispose();
    pool.disposeAll();
    await emulator.close();
  });

  const names = () => service.list().map((e) => e.info.name);

  it('a list read for demo that is answered after alice attached is neither shown nor saved as hers, and her own read is not shared with it', async () => {
    const demo = await pool.connected('demo', 'demo');
    const alice = await pool.connected(ALICE.username, ALICE.password);
    emulator.setFaults({ replyDelays: { list_game_sources_i_am_admin_of: 400 } });
    const demoRead = service.attach(demo, DEMO_OWNER);
    await waitFor(() => requests.count('list_game_sources_i_am_admin_of') === 1, "demo's read to reach the server");
    emulator.setFaults({});

    service.clear(); // the account changes: demo's list is forgotten
    await service.attach(alice, ALICE_OWNER);
    await demoRead;

    assert.deepEqual(names(), ['alice-only.example'], "alice's list, not demo's");
    assert.equal(service.state.kind, 'live');
    assert.deepEqual(cache.lists.get(ALICE_OWNER)?.sources.map((s) => s.name), ['alice-only.example'], "alice's saved list is hers");
    assert.equal(cache.lists.get(DEMO_OWNER), undefined, "demo's late reply is not saved at all: it arrived for a list no longer shown");
    assert.equal(requests.count('list_game_sources_i_am_admin_of'), 2, 'alice had her own read');
  });

  it('attaching as another owner forgets the list shown before the new one is read; the same owner keeps it (a reconnect)', async () => {
    const demo = await pool.connected('demo', 'demo');
    await service.attach(demo, DEMO_OWNER);
    assert.deepEqual(names(), ['demo.instamrkt.local']);
    service.detach();
    const seen: string[][] = [];
    service.onDidChange(() => seen.push(names()));
    await service.attach(await pool.connected('demo', 'demo'), DEMO_OWNER);
    assert.deepEqual(seen, [['demo.instamrkt.local']], 'a reconnect as the same owner goes from the stale list to the live one, never through empty');
    seen.length = 0;
    await service.attach(await pool.connected(ALICE.username, ALICE.password), ALICE_OWNER);
    assert.deepEqual(seen, [[], ['alice-only.example']], "another owner: demo's rows go first, then alice's arrive");
  });

  it("an open answered after the account changed resolves with the server's id but leaves the new account's list and saved list alone", async () => {
    const demo = await pool.connected('demo', 'demo');
    await service.attach(demo, DEMO_OWNER);
    emulator.setFaults({ replyDelays: { open_game_source: 300 } });
    const opening = service.open('late-open.example');
    await waitFor(() => requests.count('open_game_source') === 1, 'the open to reach the server');
    service.clear();
    // The open's reply is still held: it arrives after alice's list is read.
    await service.attach(await pool.connected(ALICE.username, ALICE.password), ALICE_OWNER);
    emulator.setFaults({});
    const id = await opening;
    assert.deepEqual(names(), ['alice-only.example'], "alice's list does not gain demo's source, not even until the next read");

    assert.ok((await demo.listGameSources()).some((s) => s.id === id), 'the source is open on the server, under demo');
    assert.deepEqual(cache.lists.get(ALICE_OWNER)?.sources.map((s) => s.name), ['alice-only.example']);
  });

  it("a close answered after the account changed is reported closed and leaves the new account's list alone", async () => {
    const demo = await pool.connected('demo', 'demo');
    await service.attach(demo, DEMO_OWNER);
    const demoSource = service.list()[0].info.id;
    emulator.setFaults({ replyDelays: { close_game_source: 300 } });
    const closing = service.close([demoSource]);
    await waitFor(() => requests.count('close_game_source') === 1, 'the close to reach the server');
    service.clear();
    await service.attach(await pool.connected(ALICE.username, ALICE.password), ALICE_OWNER);
    emulator.setFaults({});
    const savesBefore = cache.saves;
    let changes = 0;
    service.onDidChange(() => changes++);

    assert.deepEqual(await closing, { closed: [demoSource], failed: [] });
    assert.equal(changes, 0, "alice's list does not change for demo's close");
    assert.deepEqual(names(), ['alice-only.example']);
    assert.equal(cache.saves, savesBefore, "nothing is saved for the close: demo's list is no longer shown");
  });

  it("a games read answered after the list changed owner leaves the new owner's rows alone, even a row with the same id", async () => {
    const demo = await pool.connected('demo', 'demo');
    await service.attach(demo, DEMO_OWNER);
    const id = service.list()[0].info.id;
    emulator.setFaults({ replyDelays: { list_games_for_source: 300 } });
    const reading = service.loadGames(id);
    await waitFor(() => requests.count('list_games_for_source') === 1, 'the games read to reach the server');
    emulator.setFaults({});
    service.clear();
    await service.attach(demo, 'another owner of the same list');
    await reading;
    assert.equal(service.get(id)?.games, undefined, "the row of the new owner's list was not given the earlier read's games");
  });

  it('showCached(owner): the owner\'s saved list, stale, whoever\'s list was shown; nothing when the same owner\'s list is live; the list then belongs to that owner', async () => {
    cache.lists.set(ALICE_OWNER, { savedAt: 5, sources: [{ id: 'a1', name: 'alice-saved.example' }] });
    await service.attach(await pool.connected('demo', 'demo'), DEMO_OWNER);
    service.showCached(DEMO_OWNER);
    assert.deepEqual(names(), ['demo.instamrkt.local'], "demo's live list stays");
    service.showCached(ALICE_OWNER);
    assert.deepEqual(names(), ['alice-saved.example'], "another owner's saved list replaces a live list of demo's");
    assert.deepEqual(service.state, { kind: 'stale', since: 5 });
    assert.equal(service.owner, ALICE_OWNER);
    service.showCached(DEMO_OWNER);
    assert.deepEqual(names(), ['demo.instamrkt.local'], "demo's saved list (the live one the attach saved), now that it is not live");
    assert.equal(service.state.kind, 'stale');
  });

  it('a list with no owner is not saved; clear() with nothing shown announces nothing; after dispose() a failed save is not told', async () => {
    const demo = await pool.connected('demo', 'demo');
    await service.attach(demo, undefined);
    assert.equal(service.list().length, 1);
    assert.equal(cache.saves, 0, 'nobody to save it for');
    service.clear();
    let changes = 0;
    service.onDidChange(() => changes++);
    service.clear();
    assert.equal(changes, 0);

    const refusing = { load: () => undefined, save: () => Promise.reject(new Error('the disk is full')) };
    const disposed = new SourceService(refusing);
    let told = 0;
    disposed.onDidFailToSave(() => told++);
    disposed.dispose();
    await disposed.attach(demo, DEMO_OWNER);
    await waitFor(() => disposed.list().length === 1, 'the list to be read');
    await new Promise((resolve) => setImmediate(resolve));
    assert.equal(told, 0);
  });

  it('a close saves the list without the closed source, under its owner', async () => {
    const demo = await pool.connected('demo', 'demo');
    const opened = await demo.openGameSource('to-close.example');
    await service.attach(demo, DEMO_OWNER);
    await service.close([opened]);
    await waitFor(() => cache.lists.get(DEMO_OWNER)?.sources.length === 1, 'the list without it to be saved');
    assert.deepEqual(cache.lists.get(DEMO_OWNER)?.sources.map((x) => x.name), ['demo.instamrkt.local']);
  });

  it('a refresh while a newer connection\'s read is in flight shares that read, even after the older read ends', async () => {
    const first = await pool.connected('demo', 'demo');
    const second = await pool.connected('demo', 'demo');
    emulator.setFaults({ replyDelays: { list_game_sources_i_am_admin_of: 200 } });
    const older = service.attach(first, DEMO_OWNER);
    await waitFor(() => requests.count('list_game_sources_i_am_admin_of') === 1, 'the first read to reach the server');
    emulator.setFaults({ replyDelays: { list_game_sources_i_am_admin_of: 600 } });
    const newer = service.attach(second, DEMO_OWNER);
    await waitFor(() => requests.count('list_game_sources_i_am_admin_of') === 2, 'the second read to reach the server');
    await older;
    const again = service.refresh();
    emulator.setFaults({});
    await Promise.all([newer, again]);
    assert.equal(requests.count('list_game_sources_i_am_admin_of'), 2, 'no third read: the refresh shared the second connection\'s');
  });
});
