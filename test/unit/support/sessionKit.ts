// What Session tests share: an AccountStore in memory that records every
// write, a REST client whose login replies can be held back (the real
// RestClient over real sockets, only its answer waits), a recorder of the
// statuses a session publishes, and probes asking the server whether it
// still accepts a session key.
import { InstamrktClient } from '../../../src/protocol/client';
import { AuthenticationError } from '../../../src/protocol/errors';
import { RestClient, type LoginResult } from '../../../src/protocol/rest';
import type { Account, AccountStore, RestApi } from '../../../src/sources/session';
import type { Event } from '../../../src/protocol/events';
import type { SessionSnapshot } from '../../../src/sources/status';

export type StoreOp = { op: 'set'; serverUrl: string; account: Account } | { op: 'delete'; serverUrl: string } | { op: 'mark'; what: string };

/** A door tests close to hold an operation back (a slow server, a slow keyring) and open to let it through. */
export class Gate {
  #closed = false;
  #waiting: (() => void)[] = [];
  #onReached: (() => void)[] = [];

  close(): void {
    this.#closed = true;
  }

  open(): void {
    this.#closed = false;
    for (const go of this.#waiting.splice(0)) go();
  }

  /** Undefined while open (the caller goes on in the same tick); while closed, a promise that resolves on open(). */
  pass(): Promise<void> | undefined {
    if (!this.#closed) return undefined;
    return new Promise<void>((resolve) => {
      this.#waiting.push(resolve);
      for (const r of this.#onReached.splice(0)) r();
    });
  }

  /** Resolves when something is waiting at the closed gate. */
  reached(): Promise<void> {
    return new Promise((resolve) => this.#onReached.push(resolve));
  }
}

/** The AccountStore contract in memory (the real one, over SecretStorage, is tested inside VS Code). */
export class MemoryStore implements AccountStore {
  readonly data = new Map<string, Account>();
  /** Every write in the order it took effect, with the test's own marks in between. */
  readonly ops: StoreOp[] = [];
  /** Closed: reads wait (a slow keyring). */
  readonly reads = new Gate();
  /** Closed: set() waits, and takes effect only when let through (deletes are never held: a slow write, then a quick one). */
  readonly sets = new Gate();
  async get(serverUrl: string): Promise<Account | undefined> {
    const held = this.reads.pass();
    if (held) await held;
    const a = this.data.get(serverUrl);
    return a && { ...a };
  }
  async set(serverUrl: string, account: Account): Promise<void> {
    const held = this.sets.pass();
    if (held) await held;
    this.ops.push({ op: 'set', serverUrl, account: { ...account } });
    this.data.set(serverUrl, { ...account });
  }
  async delete(serverUrl: string): Promise<void> {
    this.ops.push({ op: 'delete', serverUrl });
    this.data.delete(serverUrl);
  }
  /** Records a point in time (e.g. "sign-out began") among the writes. */
  mark(what: string): void {
    this.ops.push({ op: 'mark', what });
  }
  /** The writes made after the mark, which must exist. */
  writesAfter(what: string): StoreOp[] {
    const at = this.ops.findIndex((o) => o.op === 'mark' && o.what === what);
    if (at < 0) throw new Error(`no mark "${what}"`);
    return this.ops.slice(at + 1).filter((o) => o.op !== 'mark');
  }
}

export const quietLogger = { info: () => undefined, warn: () => undefined, error: () => undefined, debug: () => undefined, trace: () => undefined };

/**
 * The real RestClient, but while `held` the answer of each login waits (after
 * the server has answered) until release(): a slow sign-in, on real sockets.
 */
export class HeldRest {
  held = false;
  /** Every login result the server gave, held or not (the tests check that superseded keys are ended). */
  readonly issued: LoginResult[] = [];
  readonly logouts: string[] = [];
  #waiting: (() => void)[] = [];
  #onReached: (() => void)[] = [];

  /** Resolves when a held login has its answer and is waiting for release(). */
  reached(): Promise<void> {
    return new Promise((resolve) => this.#onReached.push(resolve));
  }

  release(): void {
    this.held = false;
    for (const go of this.#waiting.splice(0)) go();
  }

  readonly factory = (restUrl: string): RestApi => {
    const real = new RestClient(restUrl);
    return {
      login: async (username, password) => {
        const result = await real.login(username, password);
        this.issued.push(result);
        if (this.held) {
          await new Promise<void>((resolve) => {
            this.#waiting.push(resolve);
            for (const r of this.#onReached.splice(0)) r();
          });
        }
        return result;
      },
      logout: async (sessionKey) => {
        this.logouts.push(sessionKey);
        await real.logout(sessionKey);
      },
    };
  };
}

/** Records every snapshot a session publishes from now on. */
export function recordStatuses(onDidChange: Event<SessionSnapshot>): { seen: SessionSnapshot[]; kinds(): string[]; stop(): void } {
  const seen: SessionSnapshot[] = [];
  const sub = onDidChange((s) => seen.push(s));
  return { seen, kinds: () => seen.map((s) => s.status.kind), stop: () => sub.dispose() };
}

/** Resolves once the server at `wsUrl` refuses `sessionKey` (a server-side logout is best effort, so it is polled); rejects if it is still accepted after 5 s. */
export async function keyEnded(server: { wsUrl: string }, userId: string, sessionKey: string): Promise<void> {
  const deadline = Date.now() + 5000;
  for (;;) {
    const probe = new InstamrktClient({ serverUrl: server.wsUrl, credentials: async () => ({ userId, sessionKey }), reconnect: false, keepAliveMs: 0 });
    try {
      await probe.connect();
    } catch (err) {
      if (err instanceof AuthenticationError) return;
      throw err;
    } finally {
      probe.dispose();
    }
    if (Date.now() > deadline) throw new Error('the session key is still accepted by the server');
  }
}

/** Resolves when the server at `wsUrl` accepts `sessionKey` (one logon, then disconnects); rejects with the refusal otherwise. */
export async function keyAccepted(server: { wsUrl: string }, userId: string, sessionKey: string): Promise<void> {
  const probe = new InstamrktClient({ serverUrl: server.wsUrl, credentials: async () => ({ userId, sessionKey }), reconnect: false, keepAliveMs: 0 });
  try {
    await probe.connect();
  } finally {
    probe.dispose();
  }
}
