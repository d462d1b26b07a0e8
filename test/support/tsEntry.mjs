// Runs one of the harness's TypeScript entry points from a plain `node` command
// (npm scripts, .ci/run): esbuild bundles it (dependencies stay in
// node_modules) into the ignored cache folder, then we call its main().
import * as esbuild from 'esbuild';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

/** Bundles test/support/<name>.ts and runs its exported main(argv); exits with its result. */
export async function runTypeScriptEntry(name) {
  const outfile = path.join(repoRoot, '.vscode-test', 'build', `${name}.cjs`);
  await esbuild.build({
    entryPoints: [path.join(here, `${name}.ts`)],
    outfile,
    bundle: true,
    platform: 'node',
    target: 'node20',
    format: 'cjs',
    packages: 'external',
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  const entry = createRequire(import.meta.url)(outfile);
  const code = await entry.main(process.argv.slice(2));
  process.exitCode = typeof code === 'number' ? code : 0;
}
