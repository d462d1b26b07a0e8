// Entry for mutation.mjs (`npm run test:mutation`): runs StrykerJS with
// stryker.config.mjs and passes our arguments on to `stryker run` (e.g.
// `--mutate src/sources/session.ts`). StrykerJS 10 needs Node 22 or later and
// the machines have 20, so it runs under the harness's Node 24 (node24.ts),
// with strykerMochaShim.mjs preloaded in every process it starts, so that its
// mocha runner can load the project's Mocha 12.
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { ensureNode24 } from './node24';
import { repoRoot } from './paths';
import { startChild } from './processes';

export async function main(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const { node, binDir } = await ensureNode24();
  const stryker = path.join(repoRoot, 'node_modules', '@stryker-mutator', 'core', 'bin', 'stryker.js');
  const shim = pathToFileURL(path.join(repoRoot, 'test', 'support', 'strykerMochaShim.mjs')).href;
  const env: NodeJS.ProcessEnv = {
    ...process.env,
    // Node 24 first, for the build command (`tsc`) and anything else started by name.
    PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`,
    // Through the environment rather than Stryker's *NodeArgs options: the main
    // process, the test runners and the checker all load the mocha runner plugin.
    NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${shim}`].filter(Boolean).join(' '),
  };
  // Its own process group (startChild): Ctrl+C also stops Stryker's workers.
  const child = startChild('stryker', node, [stryker, 'run', 'stryker.config.mjs', ...argv], { cwd: repoRoot, env });
  child.process.stdout?.pipe(process.stdout);
  child.process.stderr?.pipe(process.stderr);
  const code = await child.exited;
  const minutes = ((Date.now() - started) / 60_000).toFixed(1);
  const outcome = code === 0 ? `HTML report: ${path.join('reports', 'mutation', 'index.html')}` : `Stryker failed (exit ${code}); its messages are above`;
  console.log(`test:mutation took ${minutes} min. ${outcome}`);
  return typeof code === 'number' ? code : 1;
}
