// The one owner of "which user intent is current". Every intent (start, sign
// in, sign out, connect, disconnect, a settings change, following another
// window, dispose) begins here and gets the next generation; whatever an older
// intent was still awaiting finds, when it resumes, that it is no longer
// current, and then stores nothing, shows nothing and cleans up after itself.
// The latest intent always wins: that is how a sign-out beats a slow sign-in.

export type IntentKind = 'start' | 'signIn' | 'signOut' | 'connect' | 'disconnect' | 'reconfigure' | 'followElsewhere' | 'dispose';

const REASONS: Record<IntentKind, string> = {
  start: 'the session started again',
  signIn: 'another sign-in started',
  signOut: 'you signed out',
  connect: 'another connection was started',
  disconnect: 'you disconnected',
  reconfigure: 'the server settings changed',
  followElsewhere: 'the sign-in changed in another window',
  dispose: 'the extension is shutting down',
};

/**
 * An intent that a later one replaced before it finished. It is not a failure
 * of anything: the UI recognises it by `code` and shows nothing (the later
 * intent reports its own outcome). Calls whose caller reports success
 * (sign-in, connect) reject with it, so that no caller says "signed in" about
 * a sign-in that was cancelled.
 */
export class SupersededError extends Error {
  readonly code = 'superseded';
  constructor(readonly by: IntentKind) {
    super(`Cancelled because ${REASONS[by]} meanwhile.`);
    this.name = 'SupersededError';
  }
}

export interface Intent {
  readonly kind: IntentKind;
  readonly generation: number;
  /** Still the latest intent. */
  readonly current: boolean;
  /** Throws SupersededError when a later intent has begun. Call it after every await. */
  check(): void;
}

class IntentTicket implements Intent {
  supersededBy: IntentKind | undefined;
  constructor(
    readonly kind: IntentKind,
    readonly generation: number,
  ) {}
  get current(): boolean {
    return this.supersededBy === undefined;
  }
  check(): void {
    if (this.supersededBy !== undefined) throw new SupersededError(this.supersededBy);
  }
}

export class Lifecycle {
  #latest = new IntentTicket('start', 0);
  #ended = false;

  /** The latest intent. */
  get latest(): Intent {
    return this.#latest;
  }

  /** True once dispose() has begun: nothing may begin after it. */
  get ended(): boolean {
    return this.#ended;
  }

  /** Begins an intent: every earlier one is superseded from this instant. After dispose, the new intent is born superseded. */
  begin(kind: IntentKind): Intent {
    const next = new IntentTicket(kind, this.#latest.generation + 1);
    if (this.#ended) {
      next.supersededBy = 'dispose';
      return next;
    }
    this.#latest.supersededBy = kind;
    this.#latest = next;
    if (kind === 'dispose') this.#ended = true;
    return next;
  }
}
