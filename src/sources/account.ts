// The account manager: the one owner of "who is signed in" for the current
// server. It reads and writes the stored account, signs in over REST and
// renews an expired or refused key. Every step that could store something
// takes the intent it runs for and stores nothing once a later intent has
// begun; a key issued to a sign-in that was cancelled is ended on the server.
import { type Credentials, Emitter, errorMessage, type Event, type LoginResult } from '../protocol';
import { StoredAccount, type Account, type AccountStore } from './accountStore';
import type { LinkAccount } from './connection';
import type { Intent } from './lifecycle';
import type { AccountPhase } from './status';

export type { Account, AccountStore } from './accountStore';

export interface RestApi {
  login(username: string, password: string): Promise<LoginResult>;
  logout(sessionKey: string): Promise<void>;
}

export interface AccountDeps {
  store: AccountStore;
  rest: (restUrl: string) => Promise<RestApi>;
  logger: { info(message: string): void; warn(message: string): void; debug(message: string): void };
  /** Told every secret value learnt, so the log redactor can blank it. */
  onSecret: (value: string) => void;
  now: () => number;
}

export const SESSION_KEY_LIFETIME_MS = 24 * 60 * 60 * 1000;

export class AccountManager {
  readonly #deps: AccountDeps;
  readonly #stored: StoredAccount;
  /** The store has been read for the current server (or written by us since). */
  #known = false;
  #account: Account | undefined;
  /** A sign-in's account while the server checks it; never stored before it is committed. */
  #candidate: Account | undefined;
  #error: string | undefined;
  /** Change events from another window still being read: a commit or renewal waits for their decision. */
  #following = 0;
  #followWaiters: (() => void)[] = [];
  readonly #changed = new Emitter<void>();
  /** The held account, or whether it is known, may have changed (a sign-in, sign-out, renewal, read or switch of server). */
  readonly onDidChange: Event<void> = this.#changed.event;

  constructor(deps: AccountDeps) {
    this.#deps = deps;
    this.#stored = new StoredAccount(deps.store);
  }

  get phase(): AccountPhase {
    if (this.#candidate) return 'verifying';
    if (!this.#known) return 'unknown';
    return this.#account ? 'held' : 'none';
  }

  get known(): boolean {
    return this.#known;
  }

  /** The account a connection uses and the UI names: the one being checked, else the one held. */
  get current(): Account | undefined {
    return this.#candidate ?? this.#account;
  }

  /** The account held and stored (not a sign-in still being checked). */
  get held(): Account | undefined {
    return this.#account;
  }

  /** Why the store could not be read, if it could not. */
  get error(): string | undefined {
    return this.#error;
  }

  /**
   * What a connection asks of this account: its key (renewed first when older
   * than its lifetime) and, for a key the server refuses, one renewal with
   * the stored password. A renewal runs for the intent that is latest when it
   * starts, so any intent begun meanwhile makes it store nothing.
   */
  forConnection(endpoints: () => { serverUrl: string; restUrl: string }, latest: () => Intent): LinkAccount {
    const renew = (): Promise<boolean> => {
      const { serverUrl, restUrl } = endpoints();
      return this.renew(serverUrl, restUrl, latest());
    };
    return {
      credentials: async (): Promise<Credentials | undefined> => {
        const held = this.#account;
        if (!this.#candidate && held?.password && this.#deps.now() - held.issuedAt >= SESSION_KEY_LIFETIME_MS) await renew().catch(() => false);
        const a = this.current;
        return a && { userId: a.userId, sessionKey: a.sessionKey };
      },
      canRenew: () => !this.#candidate && this.#passwordGoesTo(endpoints().restUrl) !== undefined,
      renew,
    };
  }

  /** Another server: nothing is known about it yet. */
  reset(): void {
    this.#known = false;
    this.#account = undefined;
    this.#candidate = undefined;
    this.#error = undefined;
    this.#stored.forget();
    this.#changed.fire();
  }

  /** Reads the stored account; adopts it only if `intent` is still current. An unreadable store means signed out, with the reason. */
  async load(serverUrl: string, intent: Intent): Promise<Account | undefined> {
    let stored: Account | undefined;
    try {
      stored = await this.#stored.read(serverUrl);
    } catch (err) {
      intent.check();
      this.#known = true;
      this.#account = undefined;
      this.#error = errorMessage(err);
      this.#changed.fire();
      throw err;
    }
    intent.check();
    this.adoptStored(stored);
    return stored;
  }

  /** Holds what the store holds (read by load(), or changed by another window). */
  adoptStored(stored: Account | undefined): void {
    this.#candidate = undefined;
    this.#known = true;
    this.#error = undefined;
    this.#account = stored;
    this.#stored.remember(stored);
    if (stored) this.#rememberSecrets(stored);
    this.#changed.fire();
  }

  /** After a change event: the stored account if another window changed it, undefined for this window's own echo. */
  changedElsewhere(serverUrl: string): Promise<{ stored: Account | undefined } | undefined> {
    return this.#stored.changed(serverUrl);
  }

  /** A change event is being read (followElsewhere): what it decides comes before any commit or renewal. */
  followStarted(): void {
    this.#following++;
  }

  followDone(): void {
    if (--this.#following === 0) for (const go of this.#followWaiters.splice(0)) go();
  }

  /**
   * Resolves when no change event is being read. Another window's sign-out
   * that arrived first thus beats a sign-in or renewal about to store: it
   * begins its intent before they can store under theirs.
   */
  async followsSettled(): Promise<void> {
    while (this.#following > 0) await new Promise<void>((resolve) => this.#followWaiters.push(resolve));
  }

  /** Signs in over REST. If `intent` is superseded meanwhile, the key just issued is ended on the server and nothing is kept. */
  async login(restUrl: string, username: string, password: string, intent: Intent): Promise<Account> {
    this.#deps.onSecret(password);
    const rest = await this.#deps.rest(restUrl);
    intent.check();
    const login = await rest.login(username, password);
    this.#deps.onSecret(login.sessionKey);
    if (!intent.current) {
      this.endKey(restUrl, login.sessionKey);
      intent.check();
    }
    return { userId: login.userId, username: login.username || username, password, restUrl, sessionKey: login.sessionKey, issuedAt: this.#deps.now() };
  }

  /** A sign-in's account, held while the server checks it. */
  propose(candidate: Account): void {
    this.#rememberSecrets(candidate);
    this.#candidate = candidate;
  }

  /** Forgets a sign-in's account that was not accepted or was cancelled; returns it, if there was one. */
  dropCandidate(): Account | undefined {
    const dropped = this.#candidate;
    this.#candidate = undefined;
    return dropped;
  }

  /**
   * Makes the candidate the held account and stores it, if `intent` is still
   * current: checked and started in one synchronous step, so no later intent
   * can begin between the check and the write.
   */
  commit(serverUrl: string, intent: Intent): Promise<void> {
    intent.check();
    const account = this.#candidate;
    if (!account) throw new Error('commit() without a candidate');
    this.#candidate = undefined;
    this.#account = account;
    this.#known = true;
    this.#error = undefined;
    const written = this.#stored.write(serverUrl, account);
    this.#changed.fire();
    return written;
  }

  /** Signed out: nothing held, and the stored account deleted (after any write still under way). */
  forget(serverUrl: string): Promise<void> {
    this.#candidate = undefined;
    this.#account = undefined;
    this.#known = true;
    this.#error = undefined;
    const deleted = this.#stored.write(serverUrl, undefined);
    this.#changed.fire();
    return deleted;
  }

  /**
   * Renews the held key with the stored password, for `intent`. True when a
   * new key is held (stored too, unless the store refused: then only this
   * window has it). A renewal overtaken by a later intent keeps nothing.
   */
  async renew(serverUrl: string, restUrl: string, intent: Intent): Promise<boolean> {
    const account = this.#account;
    const password = this.#passwordGoesTo(restUrl);
    if (!account?.username || password === undefined || this.#candidate) return false;
    this.#deps.logger.info('Session key expired or refused; signing in again with the stored password.');
    let fresh: Account;
    try {
      fresh = await this.login(restUrl, account.username, password, intent);
    } catch (err) {
      intent.check();
      this.#deps.logger.warn(`Could not renew the session: ${errorMessage(err)}`);
      return false;
    }
    await this.followsSettled();
    if (!intent.current || this.#account !== account) {
      // A later intent, or another window's account, came while the renewal waited.
      this.endKey(restUrl, fresh.sessionKey);
      intent.check();
      return false;
    }
    this.#account = { ...account, userId: fresh.userId, sessionKey: fresh.sessionKey, issuedAt: fresh.issuedAt };
    this.#changed.fire();
    await this.#stored.write(serverUrl, this.#account).catch((err) => this.#deps.logger.warn(`The renewed session key could not be stored: ${errorMessage(err)}`));
    return true;
  }

  /** The stored password, if it may be sent to `restUrl`: only to the sign-in API it was given to. */
  #passwordGoesTo(restUrl: string): string | undefined {
    const account = this.#account;
    if (!account?.password || !account.username) return undefined;
    if (account.restUrl !== restUrl) {
      this.#deps.logger.warn(
        `The stored password was given to ${account.restUrl ?? 'an unrecorded sign-in address'}, not ${restUrl} (instamrkt.restUrl): it is not sent there. Sign in again to use ${restUrl}.`,
      );
      return undefined;
    }
    return account.password;
  }

  /** Ends a key this window obtained and will not use (best effort: it expires by itself anyway). */
  endKey(restUrl: string, sessionKey: string): void {
    this.#deps
      .rest(restUrl)
      .then((rest) => rest.logout(sessionKey))
      .catch((err) => this.#deps.logger.debug(`Server-side logout failed (the key expires by itself): ${errorMessage(err)}`));
  }

  /** Tells the log redactor every secret of an account. */
  #rememberSecrets(account: Account): void {
    this.#deps.onSecret(account.sessionKey);
    if (account.password) this.#deps.onSecret(account.password);
  }
}
