// Saves the source list (ids and names) for offline use, under the account it
// was read for, only when it changed. A failed save is reported, never thrown:
// it happens after the server has done what was asked, and must not be
// mistaken for that operation failing.
import { Emitter, type Event } from '../protocol';

/** What is persisted between sessions: ids and names only, never descriptions of games or anything secret. */
export interface CachedSources {
  savedAt: number;
  sources: { id: string; name: string }[];
}

/** Saved lists, one per owner (see listOwner). */
export interface SourcesCache {
  load(owner: string): CachedSources | undefined;
  save(owner: string, value: CachedSources): Promise<void>;
}

/** The owner of a list: one server and one user. Fixed when the list is read, so a save never lands under another account. */
export function listOwner(serverUrl: string, userId: string | undefined): string | undefined {
  return userId ? ownersOf(serverUrl) + userId : undefined;
}

/** What every owner on one server starts with. */
export function ownersOf(serverUrl: string): string {
  return `${serverUrl}|`;
}

export class ListSaver {
  /** The owner and list the cache last received, so an unchanged list is not written again. */
  #written: { readonly owner: string; readonly sources: readonly { id: string; name: string }[] } | undefined;
  /** True from a failed save until the next one works, so a run of failures is told once. */
  #failing = false;
  readonly #failed = new Emitter<unknown>();
  /** The first failure of a run of them (each one also goes to `report`). */
  readonly onDidFail: Event<unknown> = this.#failed.event;

  readonly #cache: SourcesCache | undefined;
  readonly #report: (error: unknown) => void;
  readonly #now: () => number;

  constructor(cache: SourcesCache | undefined, report: (error: unknown) => void, now: () => number) {
    this.#cache = cache;
    this.#report = report;
    this.#now = now;
  }

  load(owner: string): CachedSources | undefined {
    return this.#cache?.load(owner);
  }

  /** Writes the owner's list unless it is what was last written for them. Never rejects. */
  async save(owner: string, list: readonly { id: string; name: string }[]): Promise<void> {
    // Compared entry by entry: building one string of 10,000 rows to compare cost more than the rest of a refresh's model.
    if (this.#written?.owner === owner && sameSources(this.#written.sources, list)) return;
    const written = { owner, sources: list.map((e) => ({ id: e.id, name: e.name })) };
    this.#written = written;
    const saved = await this.#write(owner, { savedAt: this.#now(), sources: written.sources });
    // Not written: the next change must try again, not take it as done.
    // Stryker disable next-line ConditionalExpression: differs only when a newer save began while this one failed; that list is then written once more
    if (!saved && this.#written === written) this.#written = undefined;
  }

  /** Forgets what was written: the saved lists may be gone (a sign-out removes them all), so the next save writes. */
  forget(): void {
    this.#written = undefined;
  }

  dispose(): void {
    this.#failed.dispose();
  }

  async #write(owner: string, value: CachedSources): Promise<boolean> {
    // Stryker disable next-line BooleanLiteral: with no cache nothing is read or written, so keeping what was written or not changes nothing
    if (!this.#cache) return true;
    try {
      await this.#cache.save(owner, value);
      this.#failing = false;
      return true;
    } catch (err) {
      try {
        this.#report(err);
      } catch {
        // The reporter (a logger) failed too; the caller's outcome stands.
      }
      if (!this.#failing) {
        this.#failing = true;
        this.#failed.fire(err);
      }
      return false;
    }
  }
}

function sameSources(a: readonly { id: string; name: string }[], b: readonly { id: string; name: string }[]): boolean {
  if (a.length !== b.length) return false;
  for (let i = 0; i < a.length; i++) if (a[i].id !== b[i].id || a[i].name !== b[i].name) return false;
  return true;
}
