// Builds the extension from the current tree and packages it as a VSIX with
// @vscode/vsce, exactly as it would be published (production bundle). The
// build happens in a staging folder of the run, not in the shared dist/:
// another build started meanwhile (a watcher, a colleague's test run) must
// not change what this run packages and tests.
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

/** What the VSIX may contain besides dist/ (the .vscodeignore allowlist decides), and the build script. */
const COPIED = ['package.json', 'README.md', 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', '.vscodeignore', 'esbuild.mjs', 'media', 'l10n'];
/** Linked, not copied: the build reads them, the VSIX never contains them (vsce does not follow links). */
const LINKED = ['src', 'node_modules'];

export interface StagedBuild {
  /** Folder with the manifest, docs, media and a fresh production dist/. */
  readonly dir: string;
  /** The emulator built with it. */
  readonly emulatorScript: string;
}

/**
 * `node esbuild.mjs --production` in a staging copy of the extension's files;
 * `sourceRoot` is another tree to build instead (the benchmarks' baseline commit).
 */
export async function buildExtension(stageDir: string, sourceRoot = repoRoot): Promise<StagedBuild> {
  fs.rmSync(stageDir, { recursive: true, force: true });
  fs.mkdirSync(stageDir, { recursive: true });
  const names = [...COPIED, ...fs.readdirSync(sourceRoot).filter((name) => /^package\.nls(\..+)?\.json$/.test(name))];
  for (const name of names) {
    const from = path.join(sourceRoot, name);
    if (fs.existsSync(from)) fs.cpSync(from, path.join(stageDir, name), { recursive: true });
  }
  for (const name of LINKED) fs.symlinkSync(path.join(sourceRoot, name), path.join(stageDir, name));
  await runNode('esbuild', [path.join(stageDir, 'esbuild.mjs'), '--production'], stageDir);
  return { dir: stageDir, emulatorScript: path.join(stageDir, 'dist', 'emulator.js') };
}

/** Packages `extensionDir` into `outFile` with vsce; returns outFile. */
export async function packageVsix(outFile: string, extensionDir: string): Promise<string> {
  fs.mkdirSync(path.dirname(outFile), { recursive: true });
  const vsce = path.join(repoRoot, 'node_modules', '@vscode', 'vsce', 'vsce');
  // The extension is bundled by esbuild: no node_modules in the package.
  await runNode('vsce package', [vsce, 'package', '--no-dependencies', '--no-rewrite-relative-links', '--out', outFile], extensionDir);
  return outFile;
}

/** The VSIX budget of issue 4. KB as vsce counts them (1,024 bytes), so its own report agrees. */
export const VSIX_BUDGET_BYTES = 150 * 1024;
/** The bundle the extension host loads at activation: issue 4 set 100 KB; issue 10 (TLS, proxies, the connection test) allows 120 KB. */
export const EXTENSION_JS_BUDGET_BYTES = 120 * 1024;

/** "66,093 bytes (64.5 KB)" */
export function describeSize(bytes: number): string {
  return `${bytes.toLocaleString('en')} bytes (${(bytes / 1024).toFixed(1)} KB)`;
}

export interface SizeCheck {
  readonly ok: boolean;
  readonly bytes: number;
  readonly message: string;
}

/** Whether a file fits its budget, with the one line that says so; `advice` is added when it does not. */
export function checkSizeBudget(what: string, file: string, budget: number, advice: string): SizeCheck {
  const bytes = fs.statSync(file).size;
  const ok = bytes <= budget;
  const message = ok
    ? `${what} size ${describeSize(bytes)} is within its budget of ${describeSize(budget)}`
    : `${what} size ${describeSize(bytes)} exceeds its budget of ${describeSize(budget)} by ${(bytes - budget).toLocaleString('en')} bytes: ${advice}`;
  return { ok, bytes, message };
}

/** Whether a packaged VSIX fits its budget. */
export function checkVsixBudget(file: string, budget = VSIX_BUDGET_BYTES): SizeCheck {
  return checkSizeBudget('VSIX', file, budget, 'shrink what ships (dist/, media/, .vscodeignore)');
}

/** Whether a production dist/extension.js fits its budget. */
export function checkExtensionJsBudget(file: string, budget = EXTENSION_JS_BUDGET_BYTES): SizeCheck {
  return checkSizeBudget('dist/extension.js', file, budget, 'shrink what the extension bundles (see esbuild.mjs for what is left out of ws)');
}
