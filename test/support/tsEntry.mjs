// Runs one of the harness's TypeScript entry points from a plain `node` command
// (npm scripts, .ci/run): esbuild bundles it (dependencies stay in
// node_modules) into the ignored cache folder, then we call its main().
// First: on a Node too old for the tooling, say so before anything else loads.
import './nodeCheck.mjs';
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

/**
 * Bundles an entry and runs its exported main(argv); exits with its result.
 * `nameOrPath` is a name in test/support (`integrationMain`) or a path from the
 * repository root (`bench/extension.bench.ts`).
 */
export async function runTypeScriptEntry(nameOrPath) {
  const file = nameOrPath.includes('/') ? path.join(repoRoot, nameOrPath) : path.join(here, `${nameOrPath}.ts`);
  const outfile = path.join(repoRoot, '.vscode-test', 'build', `${path.basename(file, '.ts')}.cjs`);
  await esbuild.build({
    entryPoints: [file],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  // paths.ts takes the root from here: the bundle's own location may be a symlinked cache (see there).
  process.env.INSTAMRKT_REPO_ROOT = repoRoot;
  const entry = createRequire(import.meta.url)(outfile);
  const code = await entry.main(process.argv.slice(2));
  process.exitCode = typeof code === 'number' ? code : 0;
}
