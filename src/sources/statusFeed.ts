// The status as published: composes the pure statusOf() with what the
// tooltip shows (server, user, last error) and fires onDidChange only when
// something shown changed. One instance per Session; the only place that
// publishes.
import { Emitter, type Event } from '../protocol';
import type { Account } from './account';
import { sameSnapshot, statusOf, type AccountPhase, type LinkState, type SessionSnapshot } from './status';

/** Where the feed reads the current truth from. */
export interface StatusSource {
  phase(): AccountPhase;
  link(): LinkState;
  account(): Account | undefined;
  serverUrl(): string;
  usingEmulator(): boolean;
}

export class StatusFeed {
  /** The last failure worth showing in the tooltip (cleared by a connection, a sign-out, new settings). */
  lastError: string | undefined;
  /** Why the configured URLs are refused, while they are. */
  endpointError: string | undefined;
  readonly #source: StatusSource;
  readonly #changed = new Emitter<SessionSnapshot>();
  readonly onDidChange: Event<SessionSnapshot> = this.#changed.event;
  #shown: SessionSnapshot;

  constructor(source: StatusSource) {
    this.#source = source;
    this.#shown = this.snapshot;
  }

  get snapshot(): SessionSnapshot {
    const s = this.#source;
    const account = s.account();
    return {
      status: statusOf(s.phase(), s.link(), this.endpointError),
      serverUrl: s.serverUrl(),
      username: account?.username,
      userId: account?.userId,
      lastError: this.lastError,
      usingEmulator: s.usingEmulator(),
    };
  }

  /** The connection changed by itself: its error is the one to show, and a connection clears it. */
  linkChanged(): void {
    const link = this.#source.link();
    if (link.kind === 'connected') this.lastError = undefined;
    else if (link.kind === 'disconnected' || link.kind === 'authFailed') this.lastError = link.error;
    this.publish();
  }

  /** Publishes the current snapshot if anything shown changed. */
  publish(): void {
    const snapshot = this.snapshot;
    if (sameSnapshot(snapshot, this.#shown)) return;
    this.#shown = snapshot;
    this.#changed.fire(snapshot);
  }

  dispose(): void {
    this.#changed.dispose();
  }
}
