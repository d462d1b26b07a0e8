// Where the harness keeps things: the repository root, the ignored cache
// folder, and the pinned versions of what it provisions there.
import * as fs from 'node:fs';
import * as path from 'node:path';

/**
 * Repository root: the one tsEntry.mjs ran from (INSTAMRKT_REPO_ROOT, set there),
 * else found from this file whether run from test/support, out/ or a bundle.
 * The bundle lives in .vscode-test/build/, and where .vscode-test is a symlink
 * (a git worktree sharing the main checkout's cache) its real path would lead
 * to the other checkout.
 */
export const repoRoot: string = process.env.INSTAMRKT_REPO_ROOT || findRepoRoot(__dirname);

/** Ignored cache folder (see .gitignore): code-server, run folders, VSIX files. */
export const cacheDir = path.join(repoRoot, '.vscode-test');

/** Ignored folder for screenshots and logs a person looks at after a run. */
export const resultsDir = path.join(repoRoot, 'test-results');

export const CODE_SERVER_VERSION = '4.139.1';
export const NODE_FOR_CODE_SERVER = '24';

export const CHROMIUM_PATH = '/usr/bin/chromium';

/** The extension's id as VS Code knows it: publisher.name from package.json. */
export const EXTENSION_ID = 'instamrkt.instamrkt-game-sources';

function findRepoRoot(start: string): string {
  let dir = start;
  for (;;) {
    if (fs.existsSync(path.join(dir, 'esbuild.mjs')) && fs.existsSync(path.join(dir, 'package.json'))) {
      return dir;
    }
    const parent = path.dirname(dir);
    if (parent === dir) {
      throw new Error(`cannot find the repository root above ${start}`);
    }
    dir = parent;
  }
}
