// ListSaver: what is written for offline use, under whose name, and when it
// is written again. The cache here is an in-memory SourcesCache whose saves
// can be made to fail (a full disk), as host/sourcesCache.ts's may.
import * as assert from 'node:assert/strict';
import { ListSaver, listOwner, ownersOf, type CachedSources, type SourcesCache } from '../../src/sources/listSaver';

class Cache implements SourcesCache {
  readonly writes: { owner: string; value: CachedSources }[] = [];
  refuse = false;
  load(owner: string): CachedSources | undefined {
    return [...this.writes].reverse().find((w) => w.owner === owner)?.value;
  }
  async save(owner: string, value: CachedSources): Promise<void> {
    if (this.refuse) throw new Error('the disk is full');
    this.writes.push({ owner, value });
  }
}

const row = (id: string, name: string) => ({ id, name });

describe('ListSaver', () => {
  let cache: Cache;
  let reported: unknown[];
  let saver: ListSaver;

  beforeEach(() => {
    cache = new Cache();
    reported = [];
    saver = new ListSaver(cache, (err) => reported.push(err), () => 1_700_000_000_000);
  });

  it('names an owner by server and user, and nobody when no user is known', () => {
    assert.equal(listOwner('ws://a:1', '7'), 'ws://a:1|7');
    assert.equal(ownersOf('ws://a:1'), 'ws://a:1|');
    assert.ok(listOwner('ws://a:1', '7')?.startsWith(ownersOf('ws://a:1')), "every owner on a server starts with that server's prefix");
    assert.equal(listOwner('ws://a:1', undefined), undefined);
    assert.equal(listOwner('ws://a:1', ''), undefined);
  });

  it('writes ids and names with the time, under the owner given; an unchanged list for the same owner is not written again', async () => {
    await saver.save('o|1', [row('s1', 'alpha'), row('s2', 'beta')]);
    assert.deepEqual(cache.writes, [{ owner: 'o|1', value: { savedAt: 1_700_000_000_000, sources: [row('s1', 'alpha'), row('s2', 'beta')] } }]);
    assert.deepEqual(saver.load('o|1'), cache.writes[0].value);
    await saver.save('o|1', [row('s1', 'alpha'), row('s2', 'beta')]);
    assert.equal(cache.writes.length, 1, 'unchanged: not written again');
    await saver.save('o|2', [row('s1', 'alpha'), row('s2', 'beta')]);
    assert.equal(cache.writes.length, 2, 'the same list for another owner is written');
  });

  it('tells apart lists and owners that would run together without separators', async () => {
    await saver.save('o1', [row('x', 'n')]);
    await saver.save('o', [row('1x', 'n')]);
    assert.equal(cache.writes.length, 2, 'owner "o1" + id "x" is not owner "o" + id "1x"');
    await saver.save('o', [row('a', 'b'), row('c', 'd')]);
    await saver.save('o', [row('a', 'bc\u0000d')]);
    assert.equal(cache.writes.length, 4, 'two rows are not one row whose name holds the second');
  });

  it('a list of the same length differing in one name, or in one id, is written again', async () => {
    await saver.save('o', [row('a', 'b'), row('c', 'd')]);
    await saver.save('o', [row('a', 'b'), row('c', 'e')]);
    assert.deepEqual(cache.writes.at(-1)?.value.sources, [row('a', 'b'), row('c', 'e')], 'a renamed source');
    await saver.save('o', [row('a', 'b'), row('x', 'e')]);
    assert.deepEqual(cache.writes.at(-1)?.value.sources, [row('a', 'b'), row('x', 'e')], 'another source under the same name');
    await saver.save('o', [row('z', 'b'), row('x', 'e')]);
    assert.equal(cache.writes.length, 4, 'the first row differing counts too');
  });

  it('compares with what was written, not with the array it was given (which the caller may change later)', async () => {
    const list = [row('a', 'b')];
    await saver.save('o', list);
    list[0].name = 'renamed';
    await saver.save('o', list);
    assert.equal(cache.writes.length, 2);
    assert.equal(cache.writes[0].value.sources[0].name, 'b', 'the first write kept its own copy');
  });

  it('after a failed write the same list is written again; after forget() too', async () => {
    cache.refuse = true;
    await saver.save('o', [row('s1', 'alpha')]);
    assert.equal(reported.length, 1, 'the failure is reported');
    cache.refuse = false;
    await saver.save('o', [row('s1', 'alpha')]);
    assert.equal(cache.writes.length, 1, 'written once the cache works again');
    saver.forget();
    await saver.save('o', [row('s1', 'alpha')]);
    assert.equal(cache.writes.length, 2, 'forget(): the saved list may be gone, so it is written again');
  });

  it('tells the first failure of a run through onDidFail, not after dispose(); a reporter that throws changes nothing', async () => {
    const thrower = new ListSaver(cache, () => {
      throw new Error('the log is gone');
    }, Date.now);
    const failures: unknown[] = [];
    thrower.onDidFail((err) => failures.push(err));
    cache.refuse = true;
    await thrower.save('o', [row('a', 'b')]);
    await thrower.save('o', [row('c', 'd')]);
    assert.equal(failures.length, 1, 'once per run of failures');
    thrower.dispose();
    cache.refuse = false;
    await thrower.save('o', [row('e', 'f')]);
    cache.refuse = true;
    await thrower.save('o', [row('g', 'h')]);
    assert.equal(failures.length, 1, 'nothing is told after dispose()');
  });

  it('without a cache: loads nothing, saves nothing and reports nothing', async () => {
    const none = new ListSaver(undefined, (err) => reported.push(err), Date.now);
    assert.equal(none.load('o'), undefined);
    await none.save('o', [row('a', 'b')]);
    assert.deepEqual(reported, []);
  });
});
