// The saved source lists in memory, one per owner (server and user), as
// host/sourcesCache.ts keeps them in globalState; for SourceService tests.
import type { CachedSources, SourcesCache } from '../../../src/sources/listSaver';

/** The owner most tests attach as: the demo user (1001) of some server. */
export const OWNER = 'ws://127.0.0.1|1001';

export class MemoryCache implements SourcesCache {
  readonly lists = new Map<string, CachedSources>();
  saves = 0;

  load(owner: string): CachedSources | undefined {
    return this.lists.get(owner);
  }

  async save(owner: string, value: CachedSources): Promise<void> {
    this.saves++;
    this.lists.set(owner, value);
  }

  /** The list saved for OWNER. */
  get value(): CachedSources | undefined {
    return this.lists.get(OWNER);
  }

  set value(value: CachedSources | undefined) {
    if (value) this.lists.set(OWNER, value);
    else this.lists.delete(OWNER);
  }
}
