// The compiled modules of each tree a protocol benchmark measures, loaded side
// by side in one process: the working tree's (out/, from `tsc -p .`) and the
// baseline's (its own out/). Their public APIs are compatible; where a module
// moved between them, the first path that exists in that tree wins.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import type * as ProtocolModule from '../../src/protocol/index';
import type * as SourcesModule from '../../src/sources/sourceService';
import { repoRoot } from '../../test/support/paths';

export type Protocol = typeof ProtocolModule;
export type Sources = typeof SourcesModule;

export interface Tree {
  /** 'baseline' or 'current': the column it is printed in. */
  readonly label: 'baseline' | 'current';
  /** What it is: a commit, or the working tree. */
  readonly title: string;
  readonly root: string;
  readonly protocol: Protocol;
  readonly sources: Sources;
}

const load = createRequire(__filename);

/** Candidate places of each module, relative to a tree's out/: the current layout first. */
const PROTOCOL = ['src/protocol/index.js', 'src/protocol/client.js'];
const SOURCES = ['src/sources/sourceService.js', 'src/sources/index.js'];

function loadFirst<T>(outDir: string, candidates: readonly string[], needed: readonly string[]): T {
  for (const candidate of candidates) {
    const file = path.join(outDir, candidate);
    if (!fs.existsSync(file)) continue;
    const mod = load(file) as Record<string, unknown>;
    const missing = needed.filter((name) => mod[name] === undefined);
    if (missing.length === 0) return mod as T;
  }
  throw new Error(`none of ${candidates.join(', ')} in ${outDir} exports ${needed.join(', ')}`);
}

export function loadTree(label: Tree['label'], title: string, root: string): Tree {
  const outDir = path.join(root, 'out');
  return {
    label,
    title,
    root,
    protocol: loadFirst<Protocol>(outDir, PROTOCOL, ['InstamrktClient', 'CodeTable', 'decodeFrame', 'encodeRequest']),
    sources: loadFirst<Sources>(outDir, SOURCES, ['SourceService']),
  };
}

/** The working tree, as `tsc -p .` compiled it. */
export function currentTree(): Tree {
  return loadTree('current', 'working tree', repoRoot);
}

/**
 * A cache that keeps nothing, as fast as a cache can be: the extension always
 * gives SourceService one (its Memento), and the service does its saving work
 * (the list's signature) only when it has one, so the benchmarks give one too.
 */
export function nullCache(): SourcesModule.SourcesCache {
  return { load: () => undefined, save: async () => undefined };
}

/** A client of either tree with the options every benchmark uses: no keep-alive, no reconnect, the documented codes. */
export function benchClient(tree: Tree, serverUrl: string, credentials: { userId: string; sessionKey: string }, requestTimeoutMs = 60_000): ProtocolModule.InstamrktClient {
  return new tree.protocol.InstamrktClient({ serverUrl, credentials: async () => credentials, keepAliveMs: 0, reconnect: false, fetchOpcodes: false, requestTimeoutMs });
}
