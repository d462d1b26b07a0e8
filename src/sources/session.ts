// Session: the one face the extension talks to. Each public method is a user
// intent, begun in the lifecycle (so the latest one wins), carried out by the
// account manager (who is signed in) and the connection manager (the client),
// and shown as one status computed by the pure statusOf(). Plain TypeScript:
// storage, REST and the client come in as interfaces.
import { AuthenticationError, checkRestUrl, checkWebSocketUrl, Emitter, errorMessage, type Event, type InstamrktClient, type ServerMessage } from '../protocol';
import { AccountManager } from './account';
import { logged } from './activity';
import { ConnectionManager, type LinkAccount } from './connection';
import { Lifecycle, type Intent, type IntentKind } from './lifecycle';
import { followElsewhere } from './follow';
import { restFactory, type Endpoints, type PasswordSignIn, type SessionDeps, type SessionParts } from './sessionDeps';
import { signInWithKey, signInWithPassword, signOut } from './signIn';
import type { HeldAccount } from './authSessions';
import type { SessionSnapshot } from './status';
import { StatusFeed } from './statusFeed';

export { SESSION_KEY_LIFETIME_MS, type Account, type AccountStore, type RestApi } from './account';
export { SupersededError } from './lifecycle';
export type { Endpoints, PasswordSignIn, SessionDeps, SessionLogger } from './sessionDeps';

export class Session {
  readonly #deps: SessionDeps;
  readonly #lifecycle = new Lifecycle();
  readonly #accounts: AccountManager;
  readonly #link: ConnectionManager;
  readonly #feed: StatusFeed;
  #override: Endpoints | undefined;

  readonly #signedOut = new Emitter<void>();
  readonly #reset = new Emitter<void>();
  readonly onDidChange: Event<SessionSnapshot>;
  /** Every time a connection is (re)established: lists should be (re)read. */
  readonly onDidConnect: Event<InstamrktClient>;
  /** The connection went away (it may come back by itself). */
  readonly onDidLoseConnection: Event<void>;
  /** The user signed out (here or in another window): forget everything about the account. */
  readonly onDidSignOut: Event<void> = this.#signedOut.event;
  /** Another server or account is now in use: what was shown belongs to the previous one. */
  readonly onDidResetAccount: Event<void> = this.#reset.event;
  readonly onEvent: Event<ServerMessage>;
  /** The held account (who, or their key) or whether it is known may have changed: see heldAccount. */
  readonly onDidChangeAccount: Event<void>;

  /** What the connection asks of the account: its key, and one renewal of a refused key. */
  readonly #linkAccount: LinkAccount;

  /** What the procedures in signIn.ts and follow.ts work with. */
  readonly #parts: SessionParts;

  constructor(deps: SessionDeps) {
    this.#deps = deps;
    this.#accounts = new AccountManager({
      store: deps.store,
      rest: restFactory(deps),
      logger: deps.logger,
      onSecret: (value) => deps.onSecret?.(value),
      now: deps.now ?? Date.now,
    });
    this.#linkAccount = this.#accounts.forConnection(
      () => this.endpoints,
      () => this.#lifecycle.latest,
    );
    this.#link = new ConnectionManager({ client: deps.client, logger: deps.logger, reconnect: deps.reconnect, network: deps.network });
    this.#feed = new StatusFeed({
      phase: () => this.#accounts.phase,
      link: () => this.#link.state,
      account: () => this.#accounts.current,
      serverUrl: () => this.endpoints.serverUrl,
      usingEmulator: () => this.#override !== undefined,
    });
    this.onDidChange = this.#feed.onDidChange;
    this.#link.onDidChange(() => this.#feed.linkChanged());
    this.onDidConnect = this.#link.onDidConnect;
    this.onDidLoseConnection = this.#link.onDidLose;
    this.onEvent = this.#link.onEvent;
    this.onDidChangeAccount = this.#accounts.onDidChange;
    this.#parts = {
      accounts: this.#accounts,
      link: this.#link,
      feed: this.#feed,
      logger: deps.logger,
      endpoints: () => this.endpoints,
      latest: () => this.#lifecycle.latest,
      begin: (kind) => this.#begin(kind),
      connect: (intent) => this.#connectNow(intent),
      showTruth: (intent) => this.#showTruth(intent),
      signedOut: () => this.#signedOut.fire(),
      resetAccount: () => this.#reset.fire(),
    };
  }

  get endpoints(): Endpoints {
    return this.#override ?? this.#deps.endpoints();
  }

  get snapshot(): SessionSnapshot {
    return this.#feed.snapshot;
  }

  /** The live client, when connected. */
  get api(): InstamrktClient | undefined {
    return this.#link.client;
  }

  /** The account held (and stored) for the current server: undefined while not known yet, null when nobody is signed in. */
  get heldAccount(): HeldAccount | null | undefined {
    const held = this.#accounts.held;
    if (!this.#accounts.known) return undefined;
    return held ? { serverUrl: this.endpoints.serverUrl, userId: held.userId, username: held.username, sessionKey: held.sessionKey } : null;
  }

  get isSignedIn(): boolean {
    return this.#accounts.current !== undefined;
  }

  /**
   * Reads the stored account for the current server; connects if asked to.
   * Until then the status is "starting". Always publishes a status, even when
   * it fails (an unreadable keyring or a refused URL leaves the session signed
   * out or disconnected, with the reason). Superseded: resolves quietly, the
   * later intent shows its own outcome.
   */
  async start(autoConnect: boolean): Promise<void> {
    const intent = this.#begin('start');
    await this.#quiet(intent, this.#open(intent, autoConnect));
  }

  /** Connects with the stored account. Rejects with the reason when it cannot, or with SupersededError when a later intent took over. */
  async connect(): Promise<void> {
    const intent = this.#begin('connect');
    this.#checkEndpoints();
    if (!this.#accounts.known) await this.#load(intent);
    if (!this.#accounts.held) {
      this.#feed.publish();
      throw new AuthenticationError('Not signed in to Instamrkt. Sign in first.');
    }
    await this.#connectNow(intent);
  }

  /** Closes the connection; stays signed in. */
  disconnect(reason?: string): void {
    const intent = this.#begin('disconnect');
    this.#link.close();
    // Why, when it was not the user's choice (the local emulator stopped): the view and the tooltip say so.
    if (reason !== undefined) this.#feed.lastError = reason;
    this.#feed.publish();
    // A disconnect during start leaves nobody to read the store: read it here, or "starting" would stay.
    if (!this.#accounts.known) void this.#load(intent).then(() => this.#feed.publish(), () => undefined);
  }

  /**
   * Signs in with username and password (REST), verifies the key by
   * connecting, and only then stores it. Wrong credentials, or a logon the
   * server refuses, leave the previous account, stored or not, exactly as it
   * was. Rejects with SupersededError, storing nothing, when a later intent
   * (sign-out, another sign-in, a settings change) begins before it is stored.
   */
  signIn(username: string, password: string): Promise<void> {
    const intent = this.#begin('signIn');
    return logged(this.#deps.logger, `Sign-in as ${username}`, async () => {
      this.#checkEndpoints();
      await signInWithPassword(this.#parts, intent, username, password);
    });
  }

  /** Signs in with a user id and session key pasted by the user; stored only once the server accepts it. */
  signInWithSessionKey(userId: string, sessionKey: string): Promise<void> {
    this.#deps.onSecret?.(sessionKey);
    const intent = this.#begin('signIn');
    return logged(this.#deps.logger, `Sign-in with a session key as user ${userId}`, async () => {
      this.#checkEndpoints();
      await signInWithKey(this.#parts, intent, { userId, sessionKey, issuedAt: (this.#deps.now ?? Date.now)() }, undefined);
    });
  }

  /** Ends the session on the server (best effort), deletes the stored secrets and disconnects. Wins over anything in flight. */
  signOut(): Promise<void> {
    return logged(this.#deps.logger, `Sign-out${this.snapshot.username ? ` of ${this.snapshot.username}` : ''}`, () => signOut(this.#parts));
  }

  /** Settings changed (URL, timeouts): start over with the account stored for the new server. Superseded: resolves quietly. */
  async reconfigure(autoConnect: boolean): Promise<void> {
    const intent = this.#startOver();
    await this.#quiet(intent, this.#open(intent, autoConnect));
  }

  /**
   * Points this window at other endpoints (the local emulator), or back at
   * the settings when undefined. With `signInAs`, signs in there as part of
   * the same intent, so the status goes from "starting" to connected without
   * passing through "signed out"; it then rejects like signIn().
   */
  async useEndpoints(endpoints: Endpoints | undefined, autoConnect: boolean, signInAs?: PasswordSignIn): Promise<void> {
    this.#override = endpoints;
    if (!signInAs) return this.reconfigure(autoConnect);
    const intent = this.#startOver();
    this.#checkEndpoints();
    await logged(this.#deps.logger, `Sign-in as ${signInAs.username}`, () => signInWithPassword(this.#parts, intent, signInAs.username, signInAs.password));
  }

  /** Another window changed the stored account for this server: follow it (this window's own writes are recognised and ignored). */
  accountChangedElsewhere(serverUrl: string): Promise<void> {
    return followElsewhere(this.#parts, serverUrl);
  }

  dispose(): void {
    this.#begin('dispose');
    this.#link.dispose();
    this.#feed.dispose();
    this.#signedOut.dispose();
    this.#reset.dispose();
  }

  // ---- internals ----

  /** Begins an intent. A sign-in's account lives only as long as its intent: a later one drops it and its connection. */
  #begin(kind: IntentKind): Intent {
    const intent = this.#lifecycle.begin(kind);
    if (this.#accounts.dropCandidate()) this.#link.close();
    return intent;
  }

  /** A new server or new settings: nothing known yet, "starting" until the store is read. */
  #startOver(): Intent {
    const intent = this.#begin('reconfigure');
    this.#link.close();
    this.#accounts.reset();
    this.#feed.lastError = undefined;
    this.#feed.endpointError = undefined;
    this.#reset.fire();
    this.#feed.publish();
    return intent;
  }

  /** For intents whose caller reports nothing: once superseded, their failure is not theirs to report. */
  async #quiet(intent: Intent, work: Promise<void>): Promise<void> {
    try {
      await work;
    } catch (err) {
      if (intent.current) throw err;
    }
  }

  /** The body of start and reconfigure: read the stored account, then connect or publish what is true. */
  async #open(intent: Intent, autoConnect: boolean): Promise<void> {
    this.#checkEndpoints();
    await this.#load(intent);
    if (!this.#accounts.held || !autoConnect) return this.#feed.publish();
    // The connection's state shows any failure; start() itself succeeds.
    // Stryker disable next-line ArrowFunction: the SupersededError check() would throw is swallowed by #quiet(), the only caller's wrapper
    await this.#connectNow(intent).catch(() => intent.check());
  }

  async #load(intent: Intent): Promise<void> {
    try {
      await this.#accounts.load(this.endpoints.serverUrl, intent);
    } catch (err) {
      intent.check();
      this.#feed.lastError = this.#accounts.error;
      this.#feed.publish();
      throw err;
    }
  }

  /** Starts connecting, shows it at once (no "disconnected" in between), and waits for the outcome. */
  async #connectNow(intent: Intent): Promise<void> {
    const connecting = this.#link.connect(this.endpoints, this.#linkAccount, intent);
    this.#feed.publish();
    try {
      await connecting;
    } catch (err) {
      intent.check();
      throw err;
    }
    intent.check();
  }

  /** After a failed sign-in: publish what is true, reading the store first if nothing is known (a sign-in right after a switch of server). */
  async #showTruth(intent: Intent): Promise<void> {
    if (!this.#accounts.known) await this.#load(intent).catch(() => intent.check());
    this.#feed.publish();
  }

  /** Refuses plain ws:// or http:// to a host that is not this machine, before anything is sent. */
  #checkEndpoints(): void {
    const { serverUrl, restUrl } = this.endpoints;
    try {
      checkWebSocketUrl(serverUrl);
      checkRestUrl(restUrl);
      this.#feed.endpointError = undefined;
    } catch (err) {
      this.#link.close();
      this.#feed.endpointError = this.#feed.lastError = errorMessage(err);
      this.#feed.publish();
      throw err;
    }
  }
}
