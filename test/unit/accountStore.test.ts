// StoredAccount: the stored copy of the account, with writes run one after
// another (a sign-out's delete lands after a sign-in's set), started at once
// when none is under way, and a memory of what this window last read or
// wrote, so its own writes echoed back as change events are not taken for
// another window's. The store is the AccountStore contract in memory (the
// real one, over SecretStorage, is tested inside VS Code).
import * as assert from 'node:assert/strict';
import { StoredAccount, type Account } from '../../src/sources/accountStore';
import { MemoryStore } from './support/sessionKit';

const URL = 'wss://example.test/ws';
const account = (userId: string, sessionKey: string): Account => ({ userId, username: `user${userId}`, sessionKey, issuedAt: 1 });
const A = account('1001', 'a'.repeat(48));

/** A store whose set() of the users named fails, after storing or not (a keyring that wrote but reported a failure). */
class FailingStore extends MemoryStore {
  readonly failFor = new Set<string>();
  storeAnyway = false;
  override async set(serverUrl: string, a: Account): Promise<void> {
    if (!this.failFor.has(a.userId)) return super.set(serverUrl, a);
    const held = this.sets.pass();
    if (held) await held;
    if (this.storeAnyway) this.data.set(serverUrl, { ...a });
    throw new Error('the keyring refused');
  }
}

describe('StoredAccount', () => {
  let store: FailingStore;
  let stored: StoredAccount;

  beforeEach(() => {
    store = new FailingStore();
    stored = new StoredAccount(store);
  });

  describe('changed(): another window\'s change, or this window\'s echo', () => {
    it('reports what the store holds while nothing is known of it', async () => {
      store.data.set(URL, A);
      assert.deepEqual(await stored.changed(URL), { stored: A });
    });

    it('reports an empty store as { stored: undefined } while nothing is known of it', async () => {
      assert.deepEqual(await stored.changed(URL), { stored: undefined });
    });

    it('reports nothing when the store holds the account remember() was given', async () => {
      store.data.set(URL, A);
      stored.remember(A);
      assert.equal(await stored.changed(URL), undefined);
    });

    it('reports nothing when the store holds the account this window wrote (its echo)', async () => {
      await stored.write(URL, A);
      assert.equal(await stored.changed(URL), undefined);
    });

    it('reports nothing when the store is empty after this window deleted it (its echo)', async () => {
      await stored.write(URL, A);
      await stored.write(URL, undefined);
      assert.equal(await stored.changed(URL), undefined);
    });

    it('reports another key for the same user (a sign-in elsewhere)', async () => {
      await stored.write(URL, A);
      const renewed = account('1001', 'b'.repeat(48));
      store.data.set(URL, renewed);
      assert.deepEqual(await stored.changed(URL), { stored: renewed });
    });

    it('reports another user with the same key', async () => {
      await stored.write(URL, A);
      const other = account('1002', A.sessionKey);
      store.data.set(URL, other);
      assert.deepEqual(await stored.changed(URL), { stored: other });
    });

    it('reports a deletion made elsewhere as { stored: undefined }', async () => {
      await stored.write(URL, A);
      store.data.delete(URL);
      assert.deepEqual(await stored.changed(URL), { stored: undefined });
    });

    it('reports an account stored elsewhere after this window deleted its own', async () => {
      await stored.write(URL, undefined);
      store.data.set(URL, A);
      assert.deepEqual(await stored.changed(URL), { stored: A });
    });

    it('after forget() (another server), reports what the store holds even if it was remembered', async () => {
      store.data.set(URL, A);
      stored.remember(A);
      stored.forget();
      assert.deepEqual(await stored.changed(URL), { stored: A });
    });

    it('reports nothing when this window wrote while the read was under way (its own echo follows)', async () => {
      const old = account('1000', 'o'.repeat(48));
      store.data.set(URL, old);
      stored.remember(old);
      store.reads.close();
      const reading = store.reads.reached();
      const change = stored.changed(URL);
      await reading;
      // This window's write starts while the read waits; its set is held, so the read still sees the old account.
      store.sets.close();
      const written = stored.write(URL, A);
      store.reads.open();
      assert.equal(await change, undefined, 'the read that overlapped a write reports nothing');
      assert.deepEqual(store.data.get(URL), old, 'the read saw the store before the write (the case under test)');
      store.sets.open();
      await written;
    });
  });

  describe('write()', () => {
    it('starts the write at once when no write is under way', async () => {
      void stored.write(URL, A);
      assert.deepEqual(store.data.get(URL), A, 'stored before write() returned to the caller');
      await stored.write(URL, undefined);
      const B = account('1002', 'b'.repeat(48));
      const next = stored.write(URL, B);
      assert.deepEqual(store.data.get(URL), B, 'a write after the earlier ones ended starts at once too');
      await next;
    });

    it('runs a delete after a set still under way, never before', async () => {
      store.sets.close();
      const set = stored.write(URL, A);
      const deleted = stored.write(URL, undefined);
      await new Promise((resolve) => setImmediate(resolve));
      assert.equal(store.ops.length, 0, 'the delete waits for the held set');
      store.sets.open();
      await Promise.all([set, deleted]);
      assert.deepEqual(store.ops.map((o) => o.op), ['set', 'delete']);
      assert.equal(store.data.get(URL), undefined);
    });

    it('a failed write rejects for its caller; the next write still runs, and starts at once', async () => {
      store.failFor.add(A.userId);
      await assert.rejects(stored.write(URL, A), /the keyring refused/);
      const B = account('1002', 'b'.repeat(48));
      const next = stored.write(URL, B);
      assert.deepEqual(store.data.get(URL), B, 'started at once after the failure');
      await next;
    });

    it('after a failed write, the store is unknown: a change event reports even the account that write tried to store', async () => {
      store.failFor.add(A.userId);
      store.storeAnyway = true;
      await assert.rejects(stored.write(URL, A), /the keyring refused/);
      assert.deepEqual(await stored.changed(URL), { stored: A });
    });

    it('a failed write with a later write queued behind it: what the later write stores is known as this window\'s own', async () => {
      store.failFor.add(A.userId);
      store.sets.close();
      const failing = stored.write(URL, A);
      const B = account('1002', 'b'.repeat(48));
      const later = stored.write(URL, B);
      store.sets.open();
      await assert.rejects(failing, /the keyring refused/);
      await later;
      assert.deepEqual(store.data.get(URL), B);
      assert.equal(await stored.changed(URL), undefined, 'B is this window\'s own write, not another window\'s');
    });
  });
});
