// Builds the extension from the current tree and packages it as a VSIX with
// @vscode/vsce, exactly as it would be published (production bundle).
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startChild } from './processes';
import { repoRoot } from './paths';

/** Runs a Node script of the repository's tooling; rejects with its output on failure. */
export async function runNode(name: string, args: readonly string[], cwd = repoRoot): Promise<void> {
  const child = startChild(name, process.execPath, args, { cwd });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.tail(40)}`);
}

/** `node esbuild.mjs --production`: dist/extension.js and dist/emulator.js. */
export async function buildExtension(): Promise<void> {
  await runNode('esbuild', [path.join(repoRoot, 'esbuild.mjs'), '--production']);
}

/** Packages `extensionDir` (default: the repository) into `outFile` with vsce; returns outFile. */
export async function packageVsix(outFile: string, extensionDir = repoRoot): Promise<string> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The extension is bundled by esbuild: no node_modules in the package.
  await runNode('vsce package', [vsce, 'package', '--no-dependencies', '--out', outFile], extensionDir);
  return outFile;
}
