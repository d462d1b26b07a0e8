// Starts a job (`node test/support/run.mjs <job> [args]`, behind the npm scripts): checks Node first, then bundles jobs.ts (or a given .ts file) with esbuild, so nothing depends on an earlier tsc run.
import * as fs from 'node:fs';
import { createRequire } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';

const here = path.dirname(fileURLToPath(import.meta.url));
const repoRoot = path.resolve(here, '..', '..');

// First, before anything else loads: a Node too old for the tooling says so in one line, not in a confusing failure further on.
const manifest = JSON.parse(fs.readFileSync(path.join(repoRoot, 'package.json'), 'utf8'));
const wanted = /^>=\s*(\d+)\.(\d+)/.exec(manifest.engines?.node ?? '');
const [major, minor] = process.versions.node.split('.').map(Number);
if (wanted && (major < Number(wanted[1]) || (major === Number(wanted[1]) && minor < Number(wanted[2])))) {
  console.error(`This is Node ${process.versions.node}; the build and test tooling (TypeScript, ESLint 9, mocha 12, vsce, the harness) needs Node ${wanted[1]}.${wanted[2]} or later (package.json "engines"). Install it (e.g. from nodejs.org or with nvm), then run npm ci again.`);
  process.exit(1);
}

// `<job>` is a name jobs.ts knows (test, start, integration, …), or a .ts file from the root with its own main(args) (the benchmarks).
const [job = '', ...args] = process.argv.slice(2);
const file = job.endsWith('.ts') ? path.join(repoRoot, job) : path.join(here, 'jobs.ts');
const outfile = path.join(repoRoot, '.vscode-test', 'build', `${path.basename(job, '.ts') || 'jobs'}.cjs`);
const esbuild = await import('esbuild');
await esbuild.build({ entryPoints: [file], outfile, bundle: true, platform: 'node', target: 'node20', format: 'cjs', packages: 'external', sourcemap: 'inline', logLevel: 'warning' });
// paths.ts takes the root from here: the bundle's own folder may be a link into another checkout.
process.env.INSTAMRKT_REPO_ROOT = repoRoot;
const code = await createRequire(import.meta.url)(outfile).main(job.endsWith('.ts') ? args : [job, ...args]);
process.exitCode = typeof code === 'number' ? code : 0;
