// The extension's own CredentialStore and Session in the real extension host
// (vscode.l10n and all), signing in to the run's emulator: what the user is
// told when the OS keyring refuses, and following another window's sign-in
// and sign-out.
//
// The SecretStorage here is a stand-in that rejects every call. That is the
// last resort the house rules allow: code-server keeps secrets in the
// browser's localStorage and never rejects (its write errors only reach the
// browser console), so a real refusal cannot be produced on these machines.
// What is tested is our handling of a refusal, not SecretStorage.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { CredentialStorageError, CredentialStore } from '../../src/host/credentials';
import { RestClient } from '../../src/protocol/rest';
import { Session } from '../../src/sources/session';
import { testConfig } from './config';
import { until } from './until';

/** A SecretStorage whose keyring is locked: every call rejects, and each call is counted. */
class RefusingSecretStorage implements vscode.SecretStorage {
  readonly calls: string[] = [];
  readonly #changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.#changed.event;

  get(key: string): Thenable<string | undefined> {
    this.calls.push(`get ${key}`);
    return Promise.reject(new Error('the keyring is locked'));
  }
  store(key: string): Thenable<void> {
    this.calls.push(`store ${key}`);
    return Promise.reject(new Error('the keyring is locked'));
  }
  delete(key: string): Thenable<void> {
    this.calls.push(`delete ${key}`);
    return Promise.reject(new Error('the keyring is locked'));
  }
  keys(): Thenable<string[]> {
    return Promise.reject(new Error('the keyring is locked'));
  }
  dispose(): void {
    this.#changed.dispose();
  }
}

describe('when the OS keyring refuses', function () {
  this.timeout(30_000);
  let secrets: RefusingSecretStorage;
  let store: CredentialStore;
  let session: Session;

  beforeEach(() => {
    const { serverUrl, restUrl } = testConfig();
    secrets = new RefusingSecretStorage();
    store = new CredentialStore(secrets);
    const log = (): void => undefined;
    session = new Session({
      store,
      endpoints: () => ({ serverUrl, restUrl, requestTimeoutMs: 10_000, keepAliveMs: 0 }),
      logger: { info: log, warn: log, error: log, debug: log, trace: log },
    });
  });

  afterEach(() => {
    session.dispose();
    store.dispose();
    secrets.dispose();
  });

  it('reading at start: says what to do, and stays signed out', async () => {
    await assert.rejects(session.start(true), (err: unknown) => {
      assert.ok(err instanceof CredentialStorageError);
      assert.match(err.message, /^VS Code could not read your Instamrkt credentials from the system keyring \(the keyring is locked\)\./);
      assert.match(err.message, /GNOME Keyring or KWallet\. Then reload the window or sign in again\.$/);
      return true;
    });
    assert.equal(session.snapshot.status.kind, 'signedOut');
    assert.match(session.snapshot.lastError ?? '', /could not read your Instamrkt credentials/, 'the status bar tooltip carries the reason');
  });

  it('saving after sign-in: says the sign-in lasts for this window only and nothing was stored elsewhere', async () => {
    await assert.rejects(session.signIn('demo', 'demo'), (err: unknown) => {
      assert.ok(err instanceof CredentialStorageError);
      assert.match(err.message, /^VS Code could not save your Instamrkt credentials in the system keyring \(the keyring is locked\)\. You stay signed in in this window only; nothing was stored anywhere else\./);
      assert.doesNotMatch(err.message, /demo/, 'the message carries no credential');
      return true;
    });
    // Exactly one attempt to store, under the server's key, and no other place was written.
    assert.deepEqual(secrets.calls, [`store instamrkt.credentials:${testConfig().serverUrl}`]);
    assert.equal(session.snapshot.status.kind, 'connected', 'the sign-in itself worked: this window stays connected');
    assert.equal(session.snapshot.username, 'demo');
  });

  it('deleting at sign-out: signs out in this window and says the keyring may still hold the credentials', async () => {
    await session.signIn('demo', 'demo').catch((err: unknown) => assert.ok(err instanceof CredentialStorageError));
    await assert.rejects(session.signOut(), (err: unknown) => {
      assert.ok(err instanceof CredentialStorageError);
      assert.match(err.message, /^VS Code could not delete your Instamrkt credentials from the system keyring \(the keyring is locked\)\. You are signed out in this window, but the keyring may still hold them\./);
      return true;
    });
    assert.equal(session.snapshot.status.kind, 'signedOut');
    assert.equal(session.snapshot.username, undefined);
  });
});

/**
 * SecretStorage as another window sees it: `changeElsewhere` edits a value and
 * fires onDidChange, as desktop VS Code does in every other window. A stand-in
 * for the same reason as above: code-server never tells one window about
 * another window's change (checked with two Chromium windows).
 */
class SharedSecretStorage implements vscode.SecretStorage {
  readonly data = new Map<string, string>();
  readonly #changed = new vscode.EventEmitter<vscode.SecretStorageChangeEvent>();
  readonly onDidChange = this.#changed.event;

  async get(key: string): Promise<string | undefined> {
    return this.data.get(key);
  }
  async store(key: string, value: string): Promise<void> {
    this.data.set(key, value);
    this.#changed.fire({ key });
  }
  async delete(key: string): Promise<void> {
    this.data.delete(key);
    this.#changed.fire({ key });
  }
  async keys(): Promise<string[]> {
    return [...this.data.keys()];
  }
  changeElsewhere(key: string, value: string | undefined): void {
    if (value === undefined) this.data.delete(key);
    else this.data.set(key, value);
    this.#changed.fire({ key });
  }
  dispose(): void {
    this.#changed.dispose();
  }
}

describe('following a sign-in or sign-out made in another window', function () {
  this.timeout(30_000);

  it('signs out when another window signs out, signs in again when another window signs in, and ignores other keys', async () => {
    const { serverUrl, restUrl } = testConfig();
    const key = `instamrkt.credentials:${serverUrl}`;
    const secrets = new SharedSecretStorage();
    const store = new CredentialStore(secrets);
    const quiet = (): void => undefined;
    const session = new Session({
      store,
      endpoints: () => ({ serverUrl, restUrl, requestTimeoutMs: 10_000, keepAliveMs: 0 }),
      logger: { info: quiet, warn: quiet, error: quiet, debug: quiet, trace: quiet },
    });
    // The same wiring as activate().
    const changes: string[] = [];
    const subscription = store.onDidChange((url) => {
      changes.push(url);
      void session.accountChangedElsewhere(url);
    });
    try {
      await session.signIn('demo', 'demo');
      assert.equal(session.snapshot.status.kind, 'connected');

      secrets.changeElsewhere('someone.else:key', 'x');
      secrets.changeElsewhere(key, undefined);
      await until('the sign-out to be followed', () => session.snapshot.status.kind === 'signedOut');
      assert.equal(session.api, undefined, 'disconnected');

      const login = await new RestClient(restUrl).login('demo', 'demo');
      secrets.changeElsewhere(key, JSON.stringify({ userId: login.userId, username: 'demo', sessionKey: login.sessionKey, issuedAt: Date.now() }));
      await until('the sign-in to be followed', () => session.snapshot.status.kind === 'connected');
      assert.equal(session.snapshot.username, 'demo');
      assert.ok(changes.every((url) => url === serverUrl), `only this extension's key is passed on: ${changes.join(', ')}`);
    } finally {
      subscription.dispose();
      session.dispose();
      store.dispose();
      secrets.dispose();
    }
  });
});
