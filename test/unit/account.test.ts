// AccountManager on its own, with the real RestClient against the emulator:
// what it tells the log redactor, when a held key is renewed before use (at
// its lifetime exactly), to which sign-in address a stored password may go.
import * as assert from 'node:assert/strict';
import { startEmulator } from '../../src/emulator/server';
import { RestClient } from '../../src/protocol/rest';
import { AccountManager, SESSION_KEY_LIFETIME_MS, type Account } from '../../src/sources/account';
import { Lifecycle } from '../../src/sources/lifecycle';
import type { Emulator } from './support/emulatorClients';
import { RecordingLogger } from './support/recordingLogger';
import { MemoryStore } from './support/sessionKit';

describe('AccountManager', () => {
  let emulator: Emulator;
  let store: MemoryStore;
  let logger: RecordingLogger;
  let secrets: string[];
  let clock: number;
  let lifecycle: Lifecycle;
  let manager: AccountManager;
  let logins: number;

  beforeEach(async () => {
    emulator = await startEmulator({ port: 0, seed: 'demo' });
    store = new MemoryStore();
    logger = new RecordingLogger();
    secrets = [];
    clock = Date.now();
    lifecycle = new Lifecycle();
    logins = 0;
    manager = new AccountManager({
      store,
      rest: async (url) => {
        const real = new RestClient(url);
        return { login: (u, p) => (logins++, real.login(u, p)), logout: (k) => real.logout(k) };
      },
      logger,
      onSecret: (v) => secrets.push(v),
      now: () => clock,
    });
  });

  afterEach(() => emulator.close());

  const held = (over: Partial<Account> = {}): Account => ({ userId: '1001', username: 'demo', password: 'demo', restUrl: emulator.url, sessionKey: 'k'.repeat(48), issuedAt: clock, ...over });
  const link = () => manager.forConnection(() => ({ serverUrl: emulator.wsUrl, restUrl: emulator.url }), () => lifecycle.latest);

  it('an adopted stored account: its key and password go to the redactor; without a password, only the key', () => {
    manager.adoptStored(held({ sessionKey: 'a'.repeat(48), password: 'pw-one' }));
    assert.deepEqual(secrets, ['a'.repeat(48), 'pw-one']);
    secrets = [];
    manager.adoptStored(held({ sessionKey: 'b'.repeat(48), password: undefined }));
    assert.deepEqual(secrets, ['b'.repeat(48)]);
  });

  it('a proposed sign-in\'s secrets go to the redactor', () => {
    manager.propose(held({ sessionKey: 'c'.repeat(48), password: 'pw-two' }));
    assert.deepEqual(secrets, ['c'.repeat(48), 'pw-two']);
  });

  it('login() tells the redactor the password before sending it, then the key it got; the server\'s user name is kept', async () => {
    const a = await manager.login(emulator.url, 'demo', 'demo', lifecycle.begin('signIn'));
    assert.deepEqual(secrets, ['demo', a.sessionKey]);
    assert.equal(a.username, 'demo');
    assert.equal(a.restUrl, emulator.url);
    assert.equal(a.issuedAt, clock);
  });

  it('credentials(): nothing held gives undefined', async () => {
    assert.equal(await link().credentials(), undefined);
  });

  it('credentials(): a key younger than its lifetime is used as it is', async () => {
    manager.adoptStored(held({ issuedAt: clock - SESSION_KEY_LIFETIME_MS + 1 }));
    assert.deepEqual(await link().credentials(), { userId: '1001', sessionKey: 'k'.repeat(48) });
    assert.equal(logins, 0);
  });

  it('credentials(): a key exactly its lifetime old is renewed first with the stored password', async () => {
    manager.adoptStored(held({ issuedAt: clock - SESSION_KEY_LIFETIME_MS }));
    const creds = await link().credentials();
    assert.equal(logins, 1);
    assert.ok(creds && creds.sessionKey !== 'k'.repeat(48), 'a new key');
    assert.ok(logger.at('info').includes('Session key expired or refused; signing in again with the stored password.'));
  });

  it('credentials(): an old key without a stored password is used as it is (nothing to renew with)', async () => {
    manager.adoptStored(held({ issuedAt: clock - 2 * SESSION_KEY_LIFETIME_MS, password: undefined }));
    assert.deepEqual(await link().credentials(), { userId: '1001', sessionKey: 'k'.repeat(48) });
    assert.equal(logins, 0);
  });

  it('canRenew(): only with a stored password and user name, for the sign-in address it was given to, and no sign-in being checked', () => {
    assert.equal(link().canRenew(), false, 'nothing held');
    manager.adoptStored(held());
    assert.equal(link().canRenew(), true);
    manager.adoptStored(held({ password: undefined }));
    assert.equal(link().canRenew(), false, 'no password');
    manager.adoptStored(held({ username: undefined }));
    assert.equal(link().canRenew(), false, 'no user name');
    manager.adoptStored(held({ restUrl: 'https://other.example.test/api' }));
    assert.equal(link().canRenew(), false, 'given to another address');
    assert.ok(
      logger.at('warn').some((l) => l.startsWith('The stored password was given to https://other.example.test/api, not ') && l.includes('it is not sent there')),
      logger.at('warn').join('\n'),
    );
    manager.adoptStored(held({ restUrl: undefined }));
    assert.equal(link().canRenew(), false);
    assert.ok(logger.at('warn').some((l) => l.startsWith('The stored password was given to an unrecorded sign-in address, not ')), logger.at('warn').join('\n'));
    manager.adoptStored(held());
    manager.propose(held({ sessionKey: 'd'.repeat(48) }));
    assert.equal(link().canRenew(), false, 'a sign-in is being checked');
  });

  it('renew() without a user name or password, or while a sign-in is checked, is false and sends nothing', async () => {
    manager.adoptStored(held({ username: undefined }));
    assert.equal(await manager.renew(emulator.wsUrl, emulator.url, lifecycle.begin('connect')), false);
    manager.adoptStored(held({ password: undefined }));
    assert.equal(await manager.renew(emulator.wsUrl, emulator.url, lifecycle.begin('connect')), false);
    manager.adoptStored(held());
    manager.propose(held({ sessionKey: 'd'.repeat(48) }));
    assert.equal(await manager.renew(emulator.wsUrl, emulator.url, lifecycle.begin('connect')), false);
    assert.equal(logins, 0);
  });

  it('renew() with a wrong stored password: false, with a warning that says why', async () => {
    manager.adoptStored(held({ password: 'not-the-password' }));
    assert.equal(await manager.renew(emulator.wsUrl, emulator.url, lifecycle.begin('connect')), false);
    assert.ok(logger.at('warn').some((l) => l.startsWith('Could not renew the session: ')), logger.at('warn').join('\n'));
    assert.equal(manager.held?.sessionKey, 'k'.repeat(48), 'the held key stays');
  });

  it('commit() without a candidate throws', () => {
    assert.throws(() => manager.commit(emulator.wsUrl, lifecycle.begin('signIn')), /commit\(\) without a candidate/);
  });
});
