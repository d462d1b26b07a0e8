// Sizes of what ships: `node esbuild.mjs --production` and `vsce package`,
// done exactly as the test harness does it (a staging copy of the extension's
// files, so the shared dist/ is neither read nor changed), for the working
// tree or another one (the baseline commit, see bench/baseline.ts).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from '../../test/support/paths';
import { buildExtension, packageVsix } from '../../test/support/vsix';

export interface Sizes {
  readonly extensionJsBytes: number;
  readonly emulatorJsBytes: number;
  /** Undefined when not packaged (`vsix: false`). */
  readonly vsixBytes?: number;
}

export async function measureSizes(workDir: string, options: { sourceRoot?: string; vsix?: boolean } = {}): Promise<Sizes> {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  try {
    const build = await buildExtension(path.join(workDir, 'extension'), options.sourceRoot ?? repoRoot);
    const vsix = options.vsix === false ? undefined : await packageVsix(path.join(workDir, 'instamrkt-game-sources.vsix'), build.dir);
    return {
      extensionJsBytes: fs.statSync(path.join(build.dir, 'dist', 'extension.js')).size,
      emulatorJsBytes: fs.statSync(build.emulatorScript).size,
      vsixBytes: vsix ? fs.statSync(vsix).size : undefined,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
