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
    emulator.setFaults({});
    service.clear();
    await service.attach(await pool.connected(ALICE.username, ALICE.password), ALICE_OWNER);
    const id = await opening;

    assert.ok((await demo.listGameSources()).some((s) => s.id === id), "the source is open on the server, under demo");
    assert.deepEqual(names(), ['alice-only.example'], "alice's list does not gain demo's source");
    assert.deepEqual(cache.lists.get(ALICE_OWNER)?.sources.map((s) => s.name), ['alice-only.example']);
  });

  it("a close answered after the account changed is reported closed and leaves the new account's list alone", async () => {
    const demo = await pool.connected('demo', 'demo');
    await service.attach(demo, DEMO_OWNER);
    const demoSource = service.list()[0].info.id;
    emulator.setFaults({ replyDelays: { close_game_source: 300 } });
    const closing = service.close([demoSource]);
    await waitFor(() => requests.count('close_game_source') === 1, 'the close to reach the server');
    emulator.setFaults({});
    service.clear();
    await service.attach(await pool.connected(ALICE.username, ALICE.password), ALICE_OWNER);
    const savesBefore = cache.saves;

    assert.deepEqual(await closing, { closed: [demoSource], failed: [] });
    assert.deepEqual(names(), ['alice-only.example']);
    assert.equal(cache.saves, savesBefore, "nothing is saved for the close: demo's list is no longer shown");
  });
});
