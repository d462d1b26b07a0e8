// The last known source list per server and user (the list's owner), in
// globalState: ids and names only, so a restart shows something (marked
// stale) before the server answers.
import type * as vscode from 'vscode';
import { ownersOf, type CachedSources, type SourcesCache } from '../sources/listSaver';

const PREFIX = 'instamrkt.sourcesCache:';

function isCached(v: unknown): v is CachedSources {
  if (typeof v !== 'object' || v === null) return false;
  const o = v as Record<string, unknown>;
  return (
    typeof o.savedAt === 'number' &&
    Array.isArray(o.sources) &&
    o.sources.every((s: unknown) => typeof s === 'object' && s !== null && typeof (s as Record<string, unknown>).id === 'string' && typeof (s as Record<string, unknown>).name === 'string')
  );
}

export class GlobalStateSourcesCache implements SourcesCache {
  readonly #memento: vscode.Memento;
  /**
   * The last write, which the next one waits for. VS Code sends the whole globalState object
   * with each write and takes the echo of a write back whole, so a write started while another
   * is in flight can be undone by that echo (seen in the host: an older list came back).
   */
  #lastWrite: Promise<unknown> = Promise.resolve();

  constructor(memento: vscode.Memento) {
    this.#memento = memento;
  }

  load(owner: string): CachedSources | undefined {
    const value: unknown = this.#memento.get(PREFIX + owner);
    return isCached(value) ? value : undefined;
  }

  save(owner: string, value: CachedSources): Promise<void> {
    const copy = { savedAt: value.savedAt, sources: value.sources.map((s) => ({ id: s.id, name: s.name })) };
    return this.#oneAtATime(() => this.#memento.update(PREFIX + owner, copy));
  }

  /** Removes the lists cached for one server, whoever the user (a local emulator run that is over). */
  clearServer(serverUrl: string): Promise<void> {
    return this.#remove(PREFIX + ownersOf(serverUrl));
  }

  /** Removes every cached list (sign-out). */
  clearAll(): Promise<void> {
    return this.#remove(PREFIX);
  }

  /** Removes every list whose key starts with `prefix`, in one write (updates made in one tick are sent together). */
  #remove(prefix: string): Promise<void> {
    return this.#oneAtATime(async () => {
      await Promise.all(this.#memento.keys().filter((k) => k.startsWith(prefix)).map((k) => this.#memento.update(k, undefined)));
    });
  }

  /** Runs `write` once every earlier write has finished, whether it worked or not. */
  #oneAtATime(write: () => Thenable<void>): Promise<void> {
    const run = async () => {
      await write();
    };
    const done = this.#lastWrite.then(run, run);
    this.#lastWrite = done.catch(() => undefined);
    return done;
  }
}
