// The tree a benchmark compares the working tree against: an older commit,
// taken from git (`git archive <ref> | tar -x`) into
// .vscode-test/bench-baseline-<sha>/, with node_modules linked and its src/
// compiled by the same tsc. Built once per commit and reused (a marker file
// says the build finished). `--baseline <ref>` picks the commit, `--no-baseline`
// skips it; by default the last commit before the protocol client and session
// were split (issue 9), when the repository's history has it.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { cacheDir, repoRoot } from '../test/support/paths';

/** The last commit before src/protocol/client.ts and src/sources/session.ts were split (issue 9). */
export const DEFAULT_BASELINE = '9488c9b';

export interface BaselineChoice {
  /** The ref to build; undefined: no baseline. */
  readonly ref?: string;
  /** Given on the command line: a ref git does not know is an error, not a silent skip. */
  readonly explicit: boolean;
}

/** Reads `--baseline <ref>` / `--baseline=<ref>` / `--no-baseline`; throws on a flag without its ref. */
export function baselineArgument(argv: readonly string[]): BaselineChoice {
  if (argv.includes('--no-baseline')) return { explicit: true };
  const inline = argv.find((a) => a.startsWith('--baseline='));
  if (inline) return { ref: inline.slice('--baseline='.length), explicit: true };
  const index = argv.indexOf('--baseline');
  if (index >= 0) {
    const ref = argv[index + 1];
    if (!ref || ref.startsWith('--')) throw new Error('--baseline needs a git ref, e.g. --baseline 9488c9b (or --no-baseline to skip the comparison)');
    return { ref, explicit: true };
  }
  return { ref: DEFAULT_BASELINE, explicit: false };
}

export interface BaselineTree {
  /** Full commit id. */
  readonly sha: string;
  /** "9488c9b Add fast-check (dev): …" (subject cut short). */
  readonly title: string;
  /** The extracted tree, with node_modules linked. */
  readonly root: string;
}

interface RunResult {
  readonly code: number;
  readonly output: string;
}

function run(command: string, args: readonly string[], cwd: string): Promise<RunResult> {
  return new Promise((resolve) => {
    const child = spawn(command, args, { cwd, stdio: ['ignore', 'pipe', 'pipe'] });
    let output = '';
    child.stdout.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString('utf8')));
    child.on('error', (err) => resolve({ code: -1, output: err.message }));
    child.on('close', (code) => resolve({ code: code ?? -1, output }));
  });
}

/** `git archive <sha> | tar -x -C <dir>`, without a shell. */
function extract(sha: string, dir: string): Promise<void> {
  return new Promise((resolve, reject) => {
    const archive = spawn('git', ['archive', '--format=tar', sha], { cwd: repoRoot, stdio: ['ignore', 'pipe', 'pipe'] });
    const tar = spawn('tar', ['-x', '-C', dir], { stdio: ['pipe', 'ignore', 'pipe'] });
    let errors = '';
    archive.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    tar.stderr.on('data', (chunk: Buffer) => (errors += chunk.toString('utf8')));
    archive.stdout.pipe(tar.stdin);
    let pending = 2;
    let failed = false;
    const done = (what: string) => (code: number | null) => {
      if (code !== 0 && !failed) {
        failed = true;
        reject(new Error(`${what} exited ${code}: ${errors.trim()}`));
      }
      if (--pending === 0 && !failed) resolve();
    };
    archive.on('close', done(`git archive ${sha}`));
    tar.on('close', done('tar -x'));
  });
}

/**
 * The commit `choice` names, as a tree on disk. Returns a reason instead when
 * the default commit is not in this repository's history (a shallow clone);
 * throws when an explicitly given ref is unknown or the tree does not build.
 */
export async function prepareBaseline(choice: BaselineChoice, log: (line: string) => void, options: { compile: boolean }): Promise<BaselineTree | { skipped: string }> {
  if (!choice.ref) return { skipped: 'no baseline (--no-baseline)' };
  const resolved = await run('git', ['rev-parse', '--verify', '--quiet', `${choice.ref}^{commit}`], repoRoot);
  if (resolved.code !== 0) {
    const why = `${choice.ref} is not a commit of this repository's history`;
    if (choice.explicit) throw new Error(`--baseline ${choice.ref}: ${why}`);
    return { skipped: `${why} (a shallow clone?): no before/after comparison; give one with --baseline <ref>` };
  }
  const sha = resolved.output.trim();
  const subject = (await run('git', ['log', '-1', '--format=%s', sha], repoRoot)).output.trim();
  const title = `${sha.slice(0, 7)} ${subject.length > 72 ? `${subject.slice(0, 71)}…` : subject}`;
  const root = path.join(cacheDir, `bench-baseline-${sha.slice(0, 12)}`);
  const marker = path.join(root, options.compile ? '.bench-compiled' : '.bench-extracted');
  if (fs.existsSync(marker)) return { sha, title, root };

  if (!fs.existsSync(path.join(root, '.bench-extracted'))) {
    log(`extracting ${sha.slice(0, 7)} into ${path.relative(repoRoot, root)}/`);
    // Extract beside the final folder and rename: a second run at the same time never sees half a tree.
    const staging = `${root}.tmp-${process.pid}`;
    fs.rmSync(staging, { recursive: true, force: true });
    fs.mkdirSync(staging, { recursive: true });
    try {
      await extract(sha, staging);
      fs.symlinkSync(path.join(repoRoot, 'node_modules'), path.join(staging, 'node_modules'));
      fs.writeFileSync(path.join(staging, '.bench-extracted'), `${sha}\n`);
      fs.rmSync(root, { recursive: true, force: true });
      fs.renameSync(staging, root);
    } finally {
      fs.rmSync(staging, { recursive: true, force: true });
    }
  }
  if (options.compile) await compile(root, log);
  return { sha, title, root };
}

/**
 * Compiles the baseline's src/ with the shared tsc into <root>/out/ (its
 * tests are not needed and may not type-check with today's dependencies).
 */
async function compile(root: string, log: (line: string) => void): Promise<void> {
  log(`compiling its src/ (tsc) into ${path.relative(repoRoot, root)}/out/`);
  fs.writeFileSync(path.join(root, 'tsconfig.bench.json'), JSON.stringify({ extends: './tsconfig.json', compilerOptions: { sourceMap: false }, include: ['src/**/*.ts'] }, null, 2));
  const tsc = path.join(repoRoot, 'node_modules', 'typescript', 'bin', 'tsc');
  const result = await run(process.execPath, [tsc, '-p', 'tsconfig.bench.json'], root);
  // tsc emits despite type errors; only a missing output is fatal.
  if (!fs.existsSync(path.join(root, 'out', 'src', 'protocol', 'index.js'))) throw new Error(`tsc did not compile the baseline (exit ${result.code}):\n${result.output.slice(-2000)}`);
  if (result.code !== 0) log(`tsc reported errors in the baseline (its output is used anyway):\n${result.output.slice(-1000)}`);
  fs.writeFileSync(path.join(root, '.bench-compiled'), 'done\n');
}
