// Starts each job that run.mjs names, one launcher a job (npm test's phases, npm start, the in-host, e2e, electron and mutation tiers, provisioning): each npm script is one function here.
import { runTests } from '@vscode/test-electron';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import { makeTestPki, writeTestPki } from '../fixtures/certificates';
import { startEmulator } from './emulator';
import { startHarness, writeUserSettings, type Harness } from './harness';
import { cacheDir, CODE_SERVER_VERSION, EXTENSION_ID, repoRoot } from './paths';
import { freePort, isListening, isShuttingDown, onShutdown, run, runToEnd, stopAll } from './processes';
import { BROWSER_PACKAGES, ensureCodeServer, ensureNode24, ensureStryker, ensureSystemPackages } from './provision';
import { bundleSuite, grepArgument, suiteConfig } from './suite';

type Counts = { passed: number; failed: number; pending: number };
const JOBS: Record<string, (argv: readonly string[]) => Promise<number>> = { test, start, integration, e2e, electron, mutation, provision };

export async function main(argv: readonly string[]): Promise<number> {
  const [name = '', ...rest] = argv;
  if (Object.hasOwn(JOBS, name)) return JOBS[name](rest);
  console.error(`usage: node test/support/run.mjs <${Object.keys(JOBS).join('|')}> [--grep <pattern>] (got "${name}")`);
  return 2;
}

const seconds = (since: number): string => ((Date.now() - since) / 1000).toFixed(1);
const bin = (file: string): string => path.join(repoRoot, 'node_modules', file);
const mocha = [bin('mocha/bin/mocha.js'), '--reporter', path.join(repoRoot, 'test', 'support', 'statsReporter.cjs')];

/** npm test's phases in order: node with each list of arguments in turn; `counts`: they write their test counts to HARNESS_STATS_FILE. */
const PHASES: readonly { name: string; counts: boolean; commands: readonly string[][] }[] = [
  { name: 'lint', counts: false, commands: [[bin('eslint/bin/eslint.js'), '.']] },
  { name: 'typecheck', counts: false, commands: [[bin('typescript/bin/tsc'), '-p', '.', '--noEmit']] },
  // out/ is emptied first, so a deleted test's old output does not run; tsc's errors are typecheck's to report, and it still emits.
  { name: 'unit', counts: true, commands: [['-e', "require('fs').rmSync('out', { recursive: true, force: true })"], [bin('typescript/bin/tsc'), '-p', '.'], mocha] },
  // The VSIX and dist/extension.js against their budgets (test/size/), from what the unit phase compiled.
  { name: 'size', counts: true, commands: [[...mocha, '--no-config', '--enable-source-maps', 'out/test/size/size.test.js']] },
  { name: 'integration', counts: true, commands: [[path.join(repoRoot, 'test', 'support', 'run.mjs'), 'integration']] },
  { name: 'e2e', counts: true, commands: [[path.join(repoRoot, 'test', 'support', 'run.mjs'), 'e2e']] },
];

/** `npm test`: every phase runs, the run fails if any did; the last line totals the tests, and a phase failing without a failing test (lint, a harness that could not start) counts once. */
async function test(): Promise<number> {
  const started = Date.now();
  const statsDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-test-stats-'));
  const summary: string[] = [];
  let [passed, failed] = [0, 0];
  for (const phase of PHASES) {
    console.log(`\n================ ${phase.name} ================`);
    const phaseStarted = Date.now();
    // Its output passes through us (own process group, for Ctrl+C); colours as if it wrote to our terminal.
    const env = { ...process.env, HARNESS_STATS_FILE: path.join(statsDir, `${phase.name}.json`), ...(process.stdout.isTTY ? { FORCE_COLOR: '1' } : {}) };
    let code: number | string = 0;
    for (const args of phase.commands) code = (await runToEnd(phase.name, process.execPath, args, { cwd: repoRoot, env, inherit: true })).code;
    const stats = phase.counts && fs.existsSync(env.HARNESS_STATS_FILE) ? (JSON.parse(fs.readFileSync(env.HARNESS_STATS_FILE, 'utf8')) as Counts) : undefined;
    const ok = code === 0 && (!phase.counts || stats?.failed === 0);
    const note = phase.counts && !stats ? `no test counts reported (exit ${code})` : code !== 0 && stats?.failed === 0 ? `exit ${code}` : undefined;
    const counts = stats ? `${stats.passed} passed, ${stats.failed} failed${stats.pending ? `, ${stats.pending} pending` : ''}` : '';
    summary.push(`${phase.name.padEnd(12)} ${(ok ? 'ok' : 'FAILED').padEnd(7)} ${seconds(phaseStarted).padStart(6)} s  ${counts}${note ? `  (${note})` : ''}`);
    passed += stats?.passed ?? 0;
    failed += (stats?.failed ?? 0) + (!ok && !stats?.failed ? 1 : 0);
  }
  fs.rmSync(statsDir, { recursive: true, force: true });
  console.log(['\n================ npm test summary ================', ...summary].join('\n'));
  console.log(`total        ${(failed === 0 ? 'ok' : 'FAILED').padEnd(7)} ${seconds(started).padStart(6)} s`);
  console.log(`${passed} passed, ${failed} failed`);
  return failed === 0 ? 0 : 1;
}

/** `npm start`: code-server with the VSIX and a kept profile, set to start the extension's own emulator (the only one); Ctrl+C stops all. */
async function start(): Promise<number> {
  const started = Date.now();
  const fromEnv = Number(process.env.INSTAMRKT_PORT);
  const port = Number.isInteger(fromEnv) && fromEnv > 0 ? fromEnv : (await isListening(8080)) ? await freePort() : 8080;
  console.log('Building the extension and starting VS Code with it…');
  const userDataDir = path.join(cacheDir, 'start', 'user-data');
  const harness = await startHarness({ kind: 'start', port, userDataDir, emulator: false, settings: { 'instamrkt.startLocalEmulator': true } });
  onShutdown(async () => {
    await harness.stop();
    console.log(`Stopped: nothing listens on port ${port} any more.`);
  });
  const response = await fetch(harness.codeServer.url);
  if (!response.ok) throw new Error(`code-server answered ${response.status} for ${harness.codeServer.url}`);
  const rel = (file: string): string => path.relative(repoRoot, file);
  console.log(`
Ready in ${seconds(started)} s. Open VS Code (code-server ${CODE_SERVER_VERSION}) in your browser:

    ${harness.codeServer.url}

  Click "Instamrkt" in the activity bar: the extension starts its bundled emulator and signs in as the
  demo developer (setting instamrkt.startLocalEmulator), so the Game Sources tree fills in within seconds.

  The emulator:        the extension's own, the only one running; "Instamrkt: Show Log" says where it listens.
                       State: ${rel(path.join(userDataDir, 'User', 'globalStorage', EXTENSION_ID, 'emulator-state.json'))}
                       "Instamrkt: Stop Local Emulator" goes to instamrkt.serverUrl (default: the real server).
  Demo accounts:       demo / demo (developer), player / player
  Logs:                ${rel(harness.runDir)}/code-server.log, and the extension's in "Instamrkt: Show Log"

Press Ctrl+C to stop.`);
  // Runs until Ctrl+C (the shutdown hook exits), or until code-server dies.
  const code = await harness.codeServer.child.exited;
  if (isShuttingDown()) return new Promise<number>(() => undefined);
  console.error(`code-server exited (${code}); stopping.`);
  await harness.stop().catch((err: unknown) => console.error(String(err)));
  return 1;
}

/** `npm run test:integration`: test/integration/*.test.ts in code-server's extension host, with a throwaway CA code-server trusts. */
async function integration(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  let harness: Harness | undefined;
  let outcome: Counts = { passed: 0, failed: 1, pending: 0 };
  const pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-pki-'));
  try {
    const pki = writeTestPki(pkiDir, await makeTestPki());
    const suite = { testDir: path.join(repoRoot, 'test', 'integration'), grep: grepArgument(argv), pki };
    harness = await startHarness({ kind: 'integration', browser: true, logLevel: 'trace', codeServerEnv: { NODE_EXTRA_CA_CERTS: pki.ca }, suite });
    const results = await harness.suiteResults();
    outcome = { passed: results.passes, failed: results.failures, pending: results.pending };
    console.log(`\nIntegration (in code-server's extension host): ${results.passes} passing, ${results.failures} failing, ${results.pending} pending (${(results.durationMs / 1000).toFixed(1)} s in the host)`);
  } catch (err) {
    if (isShuttingDown()) return new Promise<number>(() => undefined); // after Ctrl+C the signal handler stops everything and exits
    console.error(`\nIntegration suite did not complete: ${err instanceof Error ? err.message : String(err)}`);
    if (harness) console.error(harness.extensionHostLogTail(40));
  } finally {
    await harness?.stop().catch((err: unknown) => {
      console.error(String(err));
      outcome.failed += 1;
    });
    await stopAll();
    fs.rmSync(pkiDir, { recursive: true, force: true });
  }
  if (process.env.HARNESS_STATS_FILE) fs.writeFileSync(process.env.HARNESS_STATS_FILE, JSON.stringify(outcome)); // the counts npm test totals
  console.log(`Integration phase took ${seconds(started)} s`);
  return outcome.failed > 0 ? 1 : 0;
}

/** `npm run test:e2e`: test/e2e/*.test.ts, bundled with test/e2e/host.ts (never a stale out/), run by mocha in this process. */
async function e2e(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const outfile = path.join(cacheDir, 'build', 'e2e-suite.cjs');
  await bundleSuite(path.join(repoRoot, 'test', 'e2e'), path.join(repoRoot, 'test', 'e2e', 'host.ts'), outfile, { inHost: false });
  process.setSourceMapsEnabled(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const code = await (require(outfile) as { run(grep?: string): Promise<number> }).run(grepArgument(argv));
  console.log(`E2E phase took ${seconds(started)} s`);
  return code;
}

/** `npm run test:electron`: the in-host suite in a desktop VS Code that @vscode/test-electron downloads (not in npm test: our machines cannot). */
async function electron(): Promise<number> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-electron-'));
  try {
    await run('esbuild', process.execPath, [path.join(repoRoot, 'esbuild.mjs')], { cwd: repoRoot }); // test build (sourcemaps) into dist/
    const suite = path.join(cacheDir, 'build', 'electron-suite.js');
    await bundleSuite(path.join(repoRoot, 'test', 'integration'), path.join(repoRoot, 'test', 'integration', 'electronHost.ts'), suite, { inHost: true });
    const emulator = await startEmulator({ stateFile: path.join(runDir, 'emulator-state.json') });
    fs.writeFileSync(path.join(runDir, 'config.json'), JSON.stringify(suiteConfig(emulator)));
    writeUserSettings(path.join(runDir, 'user-data'), { 'instamrkt.serverUrl': emulator.serverUrl, 'instamrkt.restUrl': emulator.restUrl });
    const launchArgs = [fs.mkdtempSync(path.join(runDir, 'workspace-')), '--user-data-dir', path.join(runDir, 'user-data'), '--extensions-dir', path.join(runDir, 'extensions'), '--disable-gpu'];
    return await runTests({ version: process.env.INSTAMRKT_VSCODE_VERSION ?? 'stable', cachePath: cacheDir, extensionDevelopmentPath: repoRoot, extensionTestsPath: suite, extensionTestsEnv: { INSTAMRKT_TEST_CONFIG: path.join(runDir, 'config.json') }, launchArgs });
  } catch (err) {
    console.error(`test:electron failed: ${err instanceof Error ? err.message : String(err)}\n(@vscode/test-electron downloads VS Code from Microsoft; machines without that access use \`npm run test:integration\`, which runs the same suite in code-server.)`);
    return 1;
  } finally {
    await stopAll();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}

/** `npm run test:mutation [-- stryker run options]`: StrykerJS (installed on first use) under Node 24 (it needs 22; the machines have 20), with test/mutation/mochaShim.mjs preloaded. */
async function mutation(argv: readonly string[]): Promise<number> {
  const started = Date.now();
  const { node, binDir } = await ensureNode24();
  const stryker = await ensureStryker();
  const shim = pathToFileURL(path.join(repoRoot, 'test', 'mutation', 'mochaShim.mjs')).href;
  // Node 24 first on PATH for the build command (tsc); the shim through NODE_OPTIONS, for every Stryker process.
  const env = { ...process.env, PATH: `${binDir}${path.delimiter}${process.env.PATH ?? ''}`, NODE_OPTIONS: [process.env.NODE_OPTIONS, `--import=${shim}`].filter(Boolean).join(' ') };
  // Its own process group: Ctrl+C also stops Stryker's workers.
  const { code } = await runToEnd('stryker', node, [stryker, 'run', 'stryker.config.mjs', ...argv], { cwd: repoRoot, env, inherit: true });
  const outcome = code === 0 ? `HTML report: ${path.join('reports', 'mutation', 'index.html')}` : `Stryker failed (exit ${code}); its messages are above`;
  console.log(`test:mutation took ${((Date.now() - started) / 60_000).toFixed(1)} min. ${outcome}`);
  return typeof code === 'number' ? code : 1;
}

/** `node test/support/run.mjs provision`: provisions code-server now (otherwise the first run does), and checks the browser. */
async function provision(): Promise<number> {
  await ensureSystemPackages(BROWSER_PACKAGES);
  const install = await ensureCodeServer();
  console.log(`code-server ${CODE_SERVER_VERSION} ready: ${install.entry}`);
  return 0;
}
