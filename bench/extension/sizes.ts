// Sizes of what ships: `node esbuild.mjs --production` and `vsce package`,
// done exactly as the test harness does it (a staging copy of the extension's
// files, so the shared dist/ is neither read nor changed).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { buildExtension, packageVsix } from '../../test/support/vsix';

export interface Sizes {
  readonly extensionJsBytes: number;
  readonly emulatorJsBytes: number;
  readonly vsixBytes: number;
}

export async function measureSizes(workDir: string): Promise<Sizes> {
  fs.rmSync(workDir, { recursive: true, force: true });
  fs.mkdirSync(workDir, { recursive: true });
  try {
    const build = await buildExtension(path.join(workDir, 'extension'));
    const vsix = await packageVsix(path.join(workDir, 'instamrkt-game-sources.vsix'), build.dir);
    return {
      extensionJsBytes: fs.statSync(path.join(build.dir, 'dist', 'extension.js')).size,
      emulatorJsBytes: fs.statSync(build.emulatorScript).size,
      vsixBytes: fs.statSync(vsix).size,
    };
  } finally {
    fs.rmSync(workDir, { recursive: true, force: true });
  }
}
