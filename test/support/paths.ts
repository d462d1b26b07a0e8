// Starts nothing: where the harness keeps things (the repository root, the ignored cache folder) and the pinned versions it provisions there.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * The root run.mjs ran from (INSTAMRKT_REPO_ROOT): the bundle lives in .vscode-test/build/, which in a
 * git worktree may be a link into the main checkout. Else the first folder up with esbuild.mjs (tsc's out/).
 */
export const repoRoot: string = process.env.INSTAMRKT_REPO_ROOT || findRepoRoot(__dirname);
/** Ignored cache folder (see .gitignore): code-server, Node 24, run folders, bundles. */
export const cacheDir = path.join(repoRoot, '.vscode-test');
/** Ignored folder for screenshots and logs a person looks at after a run. */
export const resultsDir = path.join(repoRoot, 'test-results');
export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_MAJOR = '24';
export const STRYKER_VERSION = '10.0.0'; // installed on first use of npm run test:mutation (it needs Node 22), not by npm ci
export const CHROMIUM_PATH = '/usr/bin/chromium';
/** The extension's id as VS Code knows it: publisher.name from package.json. */
export const EXTENSION_ID = 'instamrkt.instamrkt-game-sources';

function findRepoRoot(dir: string): string {
  if (fs.existsSync(path.join(dir, 'esbuild.mjs')) && fs.existsSync(path.join(dir, 'package.json'))) return dir;
  if (path.dirname(dir) === dir) throw new Error(`cannot find the repository root above ${__dirname}`);
  return findRepoRoot(path.dirname(dir));
}
