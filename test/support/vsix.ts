// Starts the production build (esbuild) and vsce in a staging folder of the run, so the VSIX the tests install is the one that ships, and no other build in dist/ can change it.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { run } from './processes';

/** The readme users see on the extension page (README.md is the developers'). */
export const MARKETPLACE_README = 'README.marketplace.md';
/** What the VSIX may contain besides dist/ (the .vscodeignore allowlist decides), and the build script. */
const COPIED = ['package.json', 'README.md', MARKETPLACE_README, 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', '.vscodeignore', 'esbuild.mjs', 'media', 'l10n'];
/** Linked, not copied: the build reads them, the VSIX never contains them (vsce does not follow links). */
const LINKED = ['src', 'node_modules'];

/** `node esbuild.mjs --production` in a staging copy of `sourceRoot` (another tree: the benchmarks' baseline); returns the folder and its emulator. */
export async function buildExtension(stageDir: string, sourceRoot = repoRoot): Promise<{ dir: string; emulatorScript: string }> {
  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir, { recursive: true });
  for (const name of [...COPIED, ...fs.readdirSync(sourceRoot).filter((n) => /^package\.nls(\..+)?\.json$/.test(n))]) {
    if (fs.existsSync(path.join(sourceRoot, name))) fs.cpSync(path.join(sourceRoot, name), path.join(stageDir, name), { recursive: true });
  }
  for (const name of LINKED) fs.symlinkSync(path.join(sourceRoot, name), path.join(stageDir, name));
  await run('esbuild', process.execPath, [path.join(stageDir, 'esbuild.mjs'), '--production'], { cwd: stageDir });
  return { dir: stageDir, emulatorScript: path.join(stageDir, 'dist', 'emulator.js') };
}

/** Packages `extensionDir` into `outFile` with vsce, as `npm run package` does; returns outFile. */
export async function packageVsix(outFile: string, extensionDir: string): Promise<string> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  // Bundled by esbuild: no node_modules in the package. The README's images are relative and ship in the
  // VSIX; with no public repository URL yet vsce cannot rewrite them, hence the last two flags (see
  // test/e2e/extensionPage.test.ts). An older tree (the benchmarks' baseline) has no marketplace README.
  const readme = fs.existsSync(path.join(extensionDir, MARKETPLACE_README)) ? ['--readme-path', MARKETPLACE_README] : [];
  const args = ['package', '--no-dependencies', ...readme, '--no-rewrite-relative-links', '--allow-missing-repository', '--out', outFile];
  await run('vsce package', process.execPath, [path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce'), ...args], { cwd: extensionDir });
  return outFile;
}
