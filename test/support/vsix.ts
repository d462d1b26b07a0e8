// Builds the extension from the current tree and packages it as a VSIX with
// @vscode/vsce, exactly as it would be published (production bundle). The
// build happens in a staging folder of the run, not in the shared dist/:
// another build started meanwhile (a watcher, a colleague's test run) must
// not change what this run packages and tests.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startChild } from './processes';
import { repoRoot } from './paths';
import { zipEntries } from './zipEntries';

/** Runs a Node script of the repository's tooling; rejects with its output on failure. */
export async function runNode(name: string, args: readonly string[], cwd = repoRoot): Promise<void> {
  const child = startChild(name, process.execPath, args, { cwd });
  const code = await child.exited;
  if (code !== 0) throw new Error(`${name} failed (exit ${code}):\n${child.tail(40)}`);
}

/**
 * The README for users, packaged as the extension's readme.md: the extension
 * page shows it. README.md is the developers' (how to build and test).
 */
export const MARKETPLACE_README = 'README.marketplace.md';

/** What the VSIX may contain besides dist/ (the .vscodeignore allowlist decides), and the build script. */
const COPIED = ['package.json', 'README.md', MARKETPLACE_README, 'CHANGELOG.md', 'LICENSE', 'LICENSE.md', 'LICENSE.txt', '.vscodeignore', 'esbuild.mjs', 'media', 'l10n'];
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
  // The extension is bundled by esbuild: no node_modules in the package. The README's images are
  // relative and ship in the VSIX. The project has no public repository URL yet, so vsce cannot
  // rewrite them to absolute ones; VS Code 1.139's extension page shows only http(s) images in a
  // README (it drops relative ones), so they render there once `repository` names the public
  // repository and --no-rewrite-relative-links / --allow-missing-repository go (see extensionPage.test.ts).
  // An older tree (the benchmarks' baseline) has no marketplace README: vsce packages its README.md.
  const readme = fs.existsSync(path.join(extensionDir, MARKETPLACE_README)) ? ['--readme-path', MARKETPLACE_README] : [];
  const args = ['package', '--no-dependencies', ...readme, '--no-rewrite-relative-links', '--allow-missing-repository', '--out', outFile];
  await runNode('vsce package', [vsce, ...args], extensionDir);
  return outFile;
}

/** The VSIX budget: issue 4 set 150 KB; issue 11 (a README with screenshots) allows 300 KB. KB as vsce counts them (1,024 bytes), so its own report agrees. */
export const VSIX_BUDGET_BYTES = 300 * 1024;
/** Everything the VSIX unpacks to (issue 11). */
export const PACKAGED_FILES_BUDGET_BYTES = 400 * 1024;
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

/** Whether the files a VSIX unpacks to fit their budget together. */
export function checkPackagedFilesBudget(vsix: string, budget = PACKAGED_FILES_BUDGET_BYTES): SizeCheck {
  const entries = zipEntries(vsix);
  const bytes = entries.reduce((sum, entry) => sum + entry.size, 0);
  const ok = bytes <= budget;
  const largest = [...entries].sort((a, b) => b.size - a.size).slice(0, 3).map((entry) => `${entry.name} ${describeSize(entry.size)}`);
  const what = `Packaged files (${entries.length}, uncompressed)`;
  const message = ok
    ? `${what} ${describeSize(bytes)} are within their budget of ${describeSize(budget)}`
    : `${what} ${describeSize(bytes)} exceed their budget of ${describeSize(budget)} by ${(bytes - budget).toLocaleString('en')} bytes; largest: ${largest.join(', ')}`;
  return { ok, bytes, message };
}

/** The images a Markdown text shows: `![alt](src)` and `<img src="…">`. */
export function markdownImages(markdown: string): string[] {
  const inline = [...markdown.matchAll(/!\[[^\]]*\]\(\s*(?:<([^>]+)>|([^)\s]+))(?:\s+"[^"]*")?\s*\)/g)].map((match) => match[1] ?? match[2]);
  const html = [...markdown.matchAll(/<img\b[^>]*\bsrc\s*=\s*["']([^"']+)["']/gi)].map((match) => match[1]);
  return [...inline, ...html];
}

/**
 * Whether the VSIX's readme (what the extension page shows) is `readmeSource`,
 * and every image it shows is inside the VSIX (a relative path) rather than
 * somewhere the page may not reach.
 */
export function checkPackagedReadme(vsix: string, readmeSource: string): { ok: boolean; message: string } {
  const entries = new Map(zipEntries(vsix).map((entry) => [entry.name, entry]));
  const readme = entries.get('extension/readme.md');
  if (!readme) return { ok: false, message: `the VSIX has no extension/readme.md (entries: ${[...entries.keys()].join(', ')})` };
  const packaged = readme.read().toString('utf8');
  if (packaged !== fs.readFileSync(readmeSource, 'utf8')) {
    return { ok: false, message: `the VSIX's readme is not ${path.basename(readmeSource)} (it starts: ${JSON.stringify(packaged.slice(0, 80))})` };
  }
  const images = markdownImages(packaged);
  const problems = images.flatMap((src) => {
    if (/^[a-z][a-z0-9+.-]*:/i.test(src) || src.startsWith('/')) return [`${src} is not a path inside the VSIX`];
    const name = path.posix.normalize(`extension/${src}`);
    return entries.has(name) ? [] : [`${src} is not in the VSIX (no ${name})`];
  });
  if (images.length === 0) problems.push('it shows no image (the screenshots are missing)');
  return problems.length === 0
    ? { ok: true, message: `the VSIX's readme is ${path.basename(readmeSource)}, and its ${images.length} images are in the VSIX` }
    : { ok: false, message: `the VSIX's readme: ${problems.join('; ')}` };
}
