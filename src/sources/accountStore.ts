// The stored copy of the account: the AccountStore contract (SecretStorage in
// the extension), with writes run one after another, and a memory of what
// this window last read or wrote, so that its own writes, echoed back as
// change events, are not taken for another window's.

/** What SecretStorage holds for one server. */
export interface Account {
  userId: string;
  username?: string;
  /** Present only after a password sign-in; used to renew an expired session key. */
  password?: string;
  /**
   * The sign-in API the password was given to (instamrkt.restUrl then). A
   * renewal sends the password there and nowhere else: a later change of the
   * setting (a typo, or a workspace that sets it) must not receive it.
   */
  restUrl?: string;
  sessionKey: string;
  issuedAt: number;
}

export interface AccountStore {
  get(serverUrl: string): Promise<Account | undefined>;
  set(serverUrl: string, account: Account): Promise<void>;
  delete(serverUrl: string): Promise<void>;
}

const UNKNOWN = Symbol('unknown');

function sameAccount(a: Account | undefined, b: Account | undefined): boolean {
  return a?.userId === b?.userId && a?.sessionKey === b?.sessionKey;
}

export class StoredAccount {
  readonly #store: AccountStore;
  /** What this window last read from or wrote to the store. */
  #last: Account | undefined | typeof UNKNOWN = UNKNOWN;
  /** The tail of the write chain: a sign-out's delete always lands after a sign-in's set. */
  #writes: Promise<void> = Promise.resolve();
  #writeCount = 0;
  #writing = 0;

  constructor(store: AccountStore) {
    this.#store = store;
  }

  read(serverUrl: string): Promise<Account | undefined> {
    return this.#store.get(serverUrl);
  }

  /** What the store holds, as this window knows it (after a read it adopted, or a write). */
  remember(account: Account | undefined): void {
    this.#last = account;
  }

  /** Another server: nothing is known about its store. */
  forget(): void {
    this.#last = UNKNOWN;
  }

  /** Stores `account`, or deletes the stored one when undefined, after every earlier write. */
  write(serverUrl: string, account: Account | undefined): Promise<void> {
    // Stryker disable next-line UpdateOperator: the count is only compared for equality, so counting down tells writes apart as well as counting up
    const n = ++this.#writeCount;
    this.#last = account;
    // async: a store that throws synchronously still rejects; the store call itself starts synchronously.
    const run = async (): Promise<void> => (account ? this.#store.set(serverUrl, account) : this.#store.delete(serverUrl));
    // Started at once when no write is under way, so the store holds it before anything else can read it.
    const write = this.#writing === 0 ? run() : this.#writes.then(run);
    this.#writing++;
    // The chain goes on after a failed write; the caller of that write gets its error.
    this.#writes = write.then(
      () => {
        this.#writing--;
      },
      () => {
        this.#writing--;
        if (n === this.#writeCount) this.#last = UNKNOWN;
      },
    );
    return write;
  }

  /** Reads the store after a change event: undefined when it holds what this window already knows (its own write's echo). */
  async changed(serverUrl: string): Promise<{ stored: Account | undefined } | undefined> {
    const writes = this.#writeCount;
    const stored = await this.#store.get(serverUrl);
    if (writes !== this.#writeCount) return undefined; // our own write overlapped the read: its own echo will follow
    if (this.#last !== UNKNOWN && sameAccount(stored, this.#last)) return undefined;
    return { stored };
  }
}
