// `npm test`: lint, typecheck, unit, size (the packaged VSIX, its unpacked
// files and the production dist/extension.js against their budgets, and the
// VSIX's readme with its images; one test each), integration (in code-server's extension
// host), e2e (Chromium), in that order. Every phase runs even when an earlier
// one failed; the run fails if any did. Ends with one line `N passed, N
// failed` totalling the suites' tests, where a phase that fails without test
// counts (lint, typecheck, a harness that could not start) counts as one failure.
import { spawn } from 'node:child_process';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { repoRoot } from './paths';
import { readStats, type PhaseStats } from './stats';
import { buildExtension, checkExtensionJsBudget, checkPackagedFilesBudget, checkPackagedReadme, checkVsixBudget, MARKETPLACE_README, packageVsix } from './vsix';

interface Phase {
  readonly name: string;
  /** Commands run in order (node scripts); the phase fails if the last one fails. */
  readonly commands: readonly (readonly string[])[];
  /** Whether the phase reports test counts through HARNESS_STATS_FILE. */
  readonly counts: boolean;
  /** Instead of commands: checks run here, each counted as one test. */
  readonly check?: () => Promise<readonly { readonly ok: boolean; readonly message: string }[]>;
}

const bin = (pkg: string, file: string): string => path.join(repoRoot, 'node_modules', pkg, file);

const PHASES: readonly Phase[] = [
  { name: 'lint', commands: [[bin('eslint', 'bin/eslint.js'), '.']], counts: false },
  { name: 'typecheck', commands: [[bin('typescript', 'bin/tsc'), '-p', '.', '--noEmit']], counts: false },
  {
    name: 'unit',
    // tsc's errors are the typecheck phase's to report; it still emits, and mocha runs what it emitted.
    // out/ is emptied first, so a deleted or renamed test's old output does not run.
    commands: [
      ['-e', "require('fs').rmSync('out', { recursive: true, force: true })"],
      [bin('typescript', 'bin/tsc'), '-p', '.'],
      [bin('mocha', 'bin/mocha.js'), '--reporter', path.join(repoRoot, 'test', 'support', 'statsReporter.cjs')],
    ],
    counts: true,
  },
  { name: 'size', commands: [], counts: true, check: checkSizes },
  { name: 'integration', commands: [[path.join(repoRoot, 'test', 'support', 'integration.mjs')]], counts: true },
  { name: 'e2e', commands: [[path.join(repoRoot, 'test', 'support', 'e2e.mjs')]], counts: true },
];

interface PhaseResult {
  readonly name: string;
  readonly ok: boolean;
  readonly stats?: PhaseStats;
  readonly seconds: number;
  readonly note?: string;
}

export async function main(): Promise<number> {
  const started = Date.now();
  const statsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-test-stats-'));
  const results: PhaseResult[] = [];
  try {
    for (const phase of PHASES) {
      results.push(await runPhase(phase, path.join(statsDir, `${phase.name}.json`)));
    }
  } finally {
    fs.rmSync(statsDir, { recursive: true, force: true });
  }

  let passed = 0;
  let failed = 0;
  console.log('\n================ npm test summary ================');
  for (const result of results) {
    const counts = result.stats ? `${result.stats.passed} passed, ${result.stats.failed} failed${result.stats.pending ? `, ${result.stats.pending} pending` : ''}` : '';
    console.log(`${result.name.padEnd(12)} ${(result.ok ? 'ok' : 'FAILED').padEnd(7)} ${result.seconds.toFixed(1).padStart(6)} s  ${counts}${result.note ? `  (${result.note})` : ''}`);
    passed += result.stats?.passed ?? 0;
    failed += result.stats?.failed ?? 0;
    // A failure with no failing test behind it (lint, typecheck, a crashed harness) still counts once.
    if (!result.ok && (result.stats?.failed ?? 0) === 0) failed += 1;
  }
  console.log(`total        ${(failed === 0 ? 'ok' : 'FAILED').padEnd(7)} ${((Date.now() - started) / 1000).toFixed(1).padStart(6)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

async function runPhase(phase: Phase, statsFile: string): Promise<PhaseResult> {
  console.log(`\n================ ${phase.name} ================`);
  const started = Date.now();
  if (phase.check) {
    const checks = await phase.check().catch((err: unknown) => [{ ok: false, message: `could not check: ${err instanceof Error ? err.message : String(err)}` }]);
    for (const { ok, message } of checks) console.log(`${ok ? '✔' : '✘'} ${message}`);
    const failures = checks.filter((c) => !c.ok);
    return {
      name: phase.name,
      ok: failures.length === 0,
      stats: { passed: checks.length - failures.length, failed: failures.length, pending: 0 },
      seconds: (Date.now() - started) / 1000,
      note: failures.length ? failures.map((c) => c.message).join('; ') : undefined,
    };
  }
  let code = 0;
  for (const command of phase.commands) {
    code = await run(command, statsFile);
  }
  const seconds = (Date.now() - started) / 1000;
  if (!phase.counts) return { name: phase.name, ok: code === 0, seconds };
  const stats = readStats(statsFile);
  if (!stats) return { name: phase.name, ok: false, seconds, note: `no test counts reported (exit ${code})` };
  return { name: phase.name, ok: code === 0 && stats.failed === 0, stats, seconds, note: code !== 0 && stats.failed === 0 ? `exit ${code}` : undefined };
}

/** Sizes are deterministic: build and package exactly as the harness does (staging build, vsce) and hold both to their budgets. */
async function checkSizes(): Promise<{ ok: boolean; message: string }[]> {
  const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-size-'));
  try {
    const build = await buildExtension(path.join(dir, 'extension'));
    const extensionJs = checkExtensionJsBudget(path.join(build.dir, 'dist', 'extension.js'));
    const vsix = await packageVsix(path.join(dir, 'instamrkt-game-sources.vsix'), build.dir);
    return [checkVsixBudget(vsix), checkPackagedFilesBudget(vsix), extensionJs, checkPackagedReadme(vsix, path.join(repoRoot, MARKETPLACE_README))];
  } finally {
    fs.rmSync(dir, { recursive: true, force: true });
  }
}

/** Runs `node <args>` in the repository with inherited output; resolves with its exit code. */
function run(args: readonly string[], statsFile: string): Promise<number> {
  return new Promise((resolve) => {
    const child = spawn(process.execPath, args, { cwd: repoRoot, stdio: 'inherit', env: { ...process.env, HARNESS_STATS_FILE: statsFile } });
    child.on('error', (err) => {
      console.error(`cannot run ${args.join(' ')}: ${err.message}`);
      resolve(1);
    });
    child.on('exit', (exitCode, signal) => resolve(exitCode ?? (signal ? 1 : 0)));
  });
}
