// The last known source list per server and user, in globalState: ids and
// names only, so a restart shows something (marked stale) before the server answers.
import type * as vscode from 'vscode';
import type { CachedSources, SourcesCache } from '../sources/sourceService';

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
  /** `key()` names the current server and user, or undefined when signed out (nothing is cached then). */
  readonly #memento: vscode.Memento;
  readonly #key: () => string | undefined;

  constructor(memento: vscode.Memento, key: () => string | undefined) {
    this.#memento = memento;
    this.#key = key;
  }

  load(): CachedSources | undefined {
    const key = this.#key();
    if (!key) return undefined;
    const value: unknown = this.#memento.get(PREFIX + key);
    return isCached(value) ? value : undefined;
  }

  async save(value: CachedSources | undefined): Promise<void> {
    const key = this.#key();
    if (!key) return;
    await this.#memento.update(PREFIX + key, value && { savedAt: value.savedAt, sources: value.sources.map((s) => ({ id: s.id, name: s.name })) });
  }

  /** Removes the lists cached for one server, whoever the user (a local emulator run that is over). */
  async clearServer(serverUrl: string): Promise<void> {
    const prefix = `${PREFIX}${serverUrl}|`;
    await Promise.all(this.#memento.keys().filter((k) => k.startsWith(prefix)).map((k) => this.#memento.update(k, undefined)));
  }

  /** Removes every cached list (sign-out). */
  async clearAll(): Promise<void> {
    await Promise.all(this.#memento.keys().filter((k) => k.startsWith(PREFIX)).map((k) => this.#memento.update(k, undefined)));
  }
}

export function cacheKey(serverUrl: string, userId: string | undefined): string | undefined {
  return userId ? `${serverUrl}|${userId}` : undefined;
}
