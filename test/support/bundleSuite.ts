// Bundles a mocha suite (every *.test.ts of a folder) together with the module
// that runs it, with esbuild, so the suite runs where tsc's output is not
// available (inside VS Code's extension host) and never depends on a stale
// out/ folder. The generated entry loads the test files in name order and
// calls `beforeFile` before each, which is how mocha's BDD globals get bound.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { repoRoot } from './paths';

export interface SuiteBundleOptions {
  /** Folder holding the *.test.ts files, e.g. test/integration */
  readonly testDir: string;
  /** Module whose exports the entry re-exports after giving it the loader via `host(loadTests)`. */
  readonly hostModule: string;
  readonly outfile: string;
  /** Bundle node_modules too (extension host) or keep them external (plain Node). */
  readonly bundleDependencies: boolean;
  /** Module ids left external besides node built-ins (e.g. `vscode`). */
  readonly external?: readonly string[];
  /** Compile-time constants, e.g. the path of the run's config file. */
  readonly define?: Record<string, string>;
}

/** The *.test.ts files of a folder (not recursive), sorted. */
export function listTestFiles(testDir: string): string[] {
  return fs
    .readdirSync(testDir)
    .filter((name) => name.endsWith('.test.ts'))
    .sort()
    .map((name) => path.join(testDir, name));
}

export async function bundleSuite(options: SuiteBundleOptions): Promise<string[]> {
  const files = listTestFiles(options.testDir);
  const lines = [
    `const host = require(${JSON.stringify(options.hostModule)});`,
    'module.exports = host.host(function loadTests(beforeFile) {',
    ...files.flatMap((file) => [`  beforeFile(${JSON.stringify(file)});`, `  require(${JSON.stringify(file)});`]),
    '});',
  ];
  fs.mkdirSync(path.dirname(options.outfile), { recursive: true });
  await esbuild.build({
    stdin: { contents: lines.join('\n'), resolveDir: repoRoot, sourcefile: `${path.basename(options.outfile)}-entry.js`, loader: 'js' },
    outfile: options.outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    sourcemap: 'inline',
    sourcesContent: false,
    // Absolute source paths: the bundle is installed elsewhere (an extensions folder) than where it was built.
    sourceRoot: `${pathToFileURL(path.dirname(options.outfile)).href}/`,
    packages: options.bundleDependencies ? undefined : 'external',
    external: ['bufferutil', 'utf-8-validate', ...(options.external ?? [])],
    define: options.define,
    logLevel: 'warning',
    // mocha's parallel mode (unused here) resolves worker files at run time.
    logOverride: { 'require-resolve-not-external': 'silent' },
  });
  return files;
}
