// The only module that touches SecretStorage. Credentials for one server are
// one JSON secret; nothing from it is ever written anywhere else.
import vscode = require('vscode');
import type { Account, AccountStore } from '../sources/session';
import { errorMessage } from '../protocol';

/** SecretStorage refused to read or write (e.g. no OS keyring on Linux). */
export class CredentialStorageError extends Error {
  readonly code = 'credential-storage';
  constructor(action: 'save' | 'read' | 'delete', cause: unknown) {
    const why = errorMessage(cause);
    const keyring = vscode.l10n.t('On Linux, install and unlock a Secret Service provider such as GNOME Keyring or KWallet.');
    super(
      action === 'save'
        ? vscode.l10n.t('VS Code could not save your Instamrkt credentials in the system keyring ({0}). You stay signed in in this window only; nothing was stored anywhere else. {1} Then sign in again.', why, keyring)
        : action === 'read'
          ? vscode.l10n.t('VS Code could not read your Instamrkt credentials from the system keyring ({0}). {1} Then reload the window or sign in again.', why, keyring)
          : vscode.l10n.t('VS Code could not delete your Instamrkt credentials from the system keyring ({0}). You are signed out in this window, but the keyring may still hold them. {1} Then sign out again.', why, keyring),
    );
    this.name = 'CredentialStorageError';
  }
}

const PREFIX = 'instamrkt.credentials:';

function isStored(v: unknown): v is Account {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.userId === 'string' &&
    typeof o.sessionKey === 'string' &&
    typeof o.issuedAt === 'number' &&
    (o.password === undefined || typeof o.password === 'string') &&
    (o.username === undefined || typeof o.username === 'string') &&
    (o.restUrl === undefined || typeof o.restUrl === 'string')
  );
}

export class CredentialStore implements AccountStore, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<string>();
  /** Fires with the server URL whose credentials changed, in this window or another. */
  readonly onDidChange = this.#changed.event;
  readonly #subscription: vscode.Disposable;

  readonly #secrets: vscode.SecretStorage;

  constructor(secrets: vscode.SecretStorage) {
    this.#secrets = secrets;
    this.#subscription = secrets.onDidChange((e) => {
      if (e.key.startsWith(PREFIX)) this.#changed.fire(e.key.slice(PREFIX.length));
    });
  }

  async get(serverUrl: string): Promise<Account | undefined> {
    let raw: string | undefined;
    try {
      raw = await this.#secrets.get(PREFIX + serverUrl);
    } catch (err) {
      throw new CredentialStorageError('read', err);
    }
    if (!raw) return undefined;
    try {
      const parsed: unknown = JSON.parse(raw);
      return isStored(parsed) ? parsed : undefined;
    } catch {
      return undefined;
    }
  }

  async set(serverUrl: string, credentials: Account): Promise<void> {
    try {
      await this.#secrets.store(PREFIX + serverUrl, JSON.stringify(credentials));
    } catch (err) {
      throw new CredentialStorageError('save', err);
    }
  }

  async delete(serverUrl: string): Promise<void> {
    try {
      await this.#secrets.delete(PREFIX + serverUrl);
    } catch (err) {
      throw new CredentialStorageError('delete', err);
    }
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#changed.dispose();
  }
}
