// The last known source list, kept in globalState so a restart shows
// something before the server answers, is kept per server and per user: two
// users of one server, or one user on two servers, never see each other's
// list. Checked in the real extension host, through what it stores and what
// it shows while a server of the test's own holds the list back.
import * as assert from 'node:assert/strict';
import type { InstamrktApi } from '../../src/extension';
import { testConfig } from './config';
import { api } from './extensionApi';
import { pointAt, setSetting } from './networkKit';
import { useTestServer, type TestServer } from './testServer';
import { until } from './until';

const PREFIX = 'instamrkt.sourcesCache:';
/** How long the test's server holds the list: ample time to see what the view shows meanwhile. */
const SLOW_LIST_MS = 4_000;

function shownNames(a: InstamrktApi): string[] {
  return a.service
    .list()
    .map((e) => e.info.name)
    .sort();
}

/** Every cached list in globalState, as sorted names (whatever the keys are called). */
function cachedLists(a: InstamrktApi): string[][] {
  return Object.entries(a.globalState())
    .filter(([key]) => key.startsWith(PREFIX))
    .map(([, value]) => ((value as { sources?: { name: string }[] } | undefined)?.sources ?? []).map((s) => s.name).sort());
}

const same = (x: readonly string[], y: readonly string[]): boolean => JSON.stringify(x) === JSON.stringify(y);

/** Waits until the server's list is shown and a cached list equals it; returns its names. */
async function liveAndCached(a: InstamrktApi): Promise<string[]> {
  await until('the live list', () => a.service.state.kind === 'live');
  const live = shownNames(a);
  await until(`the list ${live.join(', ')} to be cached`, () => cachedLists(a).some((list) => same(list, live)));
  return live;
}

/**
 * Runs `startOver` (settings changes: the session starts over from the store)
 * while the server holds the list, and returns every list the view showed on
 * `serverUrl` after it was cleared for the start over and before the server's
 * list came: the cached one, marked stale.
 */
async function shownBeforeTheServerAnswers(a: InstamrktApi, server: TestServer, serverUrl: string, startOver: () => Promise<void>): Promise<string[][]> {
  const seen: string[][] = [];
  let cleared = false;
  const subscription = a.service.onDidChange(() => {
    if (a.service.state.kind === 'empty') cleared = true;
    else if (cleared && a.service.state.kind === 'stale' && a.session.snapshot.serverUrl === serverUrl) seen.push(shownNames(a));
  });
  server.emulator.setFaults({ replyDelays: { list_game_sources_i_am_admin_of: SLOW_LIST_MS } });
  try {
    await startOver();
    await until('the list from the server', () => a.session.snapshot.serverUrl === serverUrl && a.service.state.kind === 'live', SLOW_LIST_MS + 15_000);
  } finally {
    subscription.dispose();
    server.emulator.setFaults({});
  }
  return seen;
}

describe('the cached source list, per server and per user', function () {
  this.timeout(120_000);
  let a: InstamrktApi;
  let server: TestServer | undefined;

  before(async () => {
    a = await api();
  });

  afterEach(async () => {
    // Sign-out removes every cached list; then back to the run's server.
    if (server) {
      await pointAt(a, server.emulator.url, server.emulator.wsUrl);
      if (a.session.isSignedIn) await a.session.signOut();
      await server.close();
      server = undefined;
    }
  });

  // This test found a race: the key was once read from the session at save time, so a switch of account
  // could save or delete under the previous user's key. Each list now carries its owner (serviceLink.ts).
  it('two users of one server: each one\'s list is cached apart, and signing in as one leaves the other\'s list as it was', async () => {
    server = await useTestServer(a, {}, [{ username: 'second', password: 'second-pw', developer: true }]);
    await a.session.signIn('second', 'second-pw');
    await liveAndCached(a);
    await a.service.open('second-only.example');
    const secondList = await liveAndCached(a);
    assert.deepEqual(secondList, ['second-only.example']);

    await a.session.signIn('demo', 'demo');
    const demoList = await liveAndCached(a);
    assert.ok(demoList.includes('demo.instamrkt.local') && !demoList.includes('second-only.example'), `demo's own list: ${demoList.join(', ')}`);
    const lists = cachedLists(a);
    assert.ok(lists.some((list) => same(list, secondList)), `second's list is still cached after demo's was: ${JSON.stringify(lists)}`);
    assert.ok(lists.some((list) => same(list, demoList)), `and demo's is cached: ${JSON.stringify(lists)}`);
  });

  it('one user on two servers: back on the first server, the view shows that server\'s cached list, never the other server\'s', async () => {
    server = await useTestServer(a, {});
    const first = server.emulator;
    await a.session.signIn('demo', 'demo');
    await a.service.open('first-server-only.example');
    const firstList = await liveAndCached(a);
    assert.ok(firstList.includes('first-server-only.example'));

    // The same user on the run's server, whose list lacks that source: its list is cached last.
    const { restUrl, serverUrl } = testConfig();
    await pointAt(a, restUrl, serverUrl);
    await a.session.signIn('demo', 'demo');
    const otherList = await liveAndCached(a);
    assert.ok(!otherList.includes('first-server-only.example'), `the run's server has its own list: ${otherList.join(', ')}`);

    // Back to the first server (its sign-in is still stored): until it answers, its own cached list shows.
    // The WebSocket URL first, so that the session never starts over on the run's server with the first one's REST URL.
    const shown = await shownBeforeTheServerAnswers(a, server, first.wsUrl, async () => {
      await setSetting('instamrkt', 'serverUrl', first.wsUrl);
      await setSetting('instamrkt', 'restUrl', first.url);
    });
    assert.ok(shown.length > 0, 'a cached list was shown while the server held the list');
    assert.ok(
      shown.every((list) => same(list, firstList)),
      `only the first server's cached list (${firstList.join(', ')}) was shown; shown: ${JSON.stringify(shown)}`,
    );
  });

  it('two saves in quick succession: the later list is kept, also once VS Code has echoed the first write back', async () => {
    const serverUrl = 'ws://echo.invalid';
    const owner = `${serverUrl}|1`;
    const kept = () => (a.globalState()[PREFIX + owner] as { sources: { name: string }[] } | undefined)?.sources.map((s) => s.name);
    const list = (name: string) => ({ savedAt: Date.now(), sources: [{ id: name, name }] });
    const lost: string[] = [];
    try {
      // globalState sends each write to the workbench, which echoes the whole state back some milliseconds
      // later; a second write started inside that window was undone by the echo (seen between 5 and 30 ms).
      for (let round = 0; round < 2; round++) {
        for (let delayMs = 0; delayMs <= 40; delayMs++) {
          const first = a.sourcesCache.save(owner, list('first'));
          await new Promise((resolve) => setTimeout(resolve, delayMs));
          await Promise.all([first, a.sourcesCache.save(owner, list('second'))]);
          const atOnce = kept()?.join();
          await new Promise((resolve) => setTimeout(resolve, 60)); // room for a late echo to arrive
          if (atOnce !== 'second' || kept()?.join() !== 'second') lost.push(`${delayMs} ms: ${atOnce}, then ${kept()?.join()}`);
        }
      }
    } finally {
      await a.sourcesCache.clearServer(serverUrl);
    }
    assert.deepEqual(lost, [], 'the later list was kept every time');
    assert.equal(kept(), undefined, 'clearServer removed it');
  });
});
