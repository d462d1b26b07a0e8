// Starts nothing itself: bundles a mocha suite with the module that runs it (esbuild), and packs the in-host one into the test-runner extension whose results the harness reads back.
import * as esbuild from 'esbuild';
import * as fs from 'node:fs';
import * as path from 'node:path';
import { pathToFileURL } from 'node:url';
import type { TestPkiFiles } from '../fixtures/certificates';
import type { ResultsFile } from '../integration/codeServerHost';
import type { IntegrationConfig } from '../integration/config';
import type { SuiteResults } from '../integration/suite';
import type { RunningEmulator } from './emulator';
import { EXTENSION_ID, repoRoot } from './paths';
import { pollUntil, type Child } from './processes';
import { packageVsix } from './vsix';

/** A suite for the extension host: the folder of its *.test.ts, mocha's --grep, the run's certificates, more compile-time constants. */
export interface InHostSuite {
  readonly testDir: string;
  readonly grep?: string;
  readonly pki?: TestPkiFiles;
  readonly define?: (runDir: string) => Record<string, string>;
}

const NODE_BUNDLE = { bundle: true, platform: 'node', target: 'node20', format: 'cjs', sourcemap: 'inline', sourcesContent: false, logLevel: 'warning' } as const;
/** From the workbench opening to the results file; override with INSTAMRKT_INTEGRATION_TIMEOUT (seconds). */
const SUITE_DEADLINE_MS = Number(process.env.INSTAMRKT_INTEGRATION_TIMEOUT ?? 600) * 1000;

/** The `--grep <pattern>` of a job's arguments. */
export function grepArgument(argv: readonly string[]): string | undefined {
  return argv.includes('--grep') ? argv[argv.indexOf('--grep') + 1] : undefined;
}

/**
 * Bundles every *.test.ts of `testDir` (in name order) with `hostModule`, whose `host(loadTests)` the bundle
 * exports; `loadTests` calls `beforeFile` before each file, which binds mocha's BDD globals. Returns the files.
 */
export async function bundleSuite(testDir: string, hostModule: string, outfile: string, options: { inHost: boolean; define?: Record<string, string> }): Promise<string[]> {
  const files = fs.readdirSync(testDir).filter((name) => name.endsWith('.test.ts')).sort().map((name) => path.join(testDir, name));
  const entry = [`module.exports = require(${JSON.stringify(hostModule)}).host(function loadTests(beforeFile) {`, ...files.map((f) => `beforeFile(${JSON.stringify(f)}); require(${JSON.stringify(f)});`), '});'];
  await esbuild.build({
    stdin: { contents: entry.join('\n'), resolveDir: repoRoot, sourcefile: `${path.basename(outfile)}-entry.js`, loader: 'js' },
    ...NODE_BUNDLE,
    outfile,
    define: options.define,
    // Absolute source paths: the bundle is installed elsewhere (an extensions folder) than where it was built.
    sourceRoot: `${pathToFileURL(path.dirname(outfile)).href}/`,
    // In the extension host only `vscode` is there to require; plain Node has node_modules.
    packages: options.inHost ? undefined : 'external',
    external: ['bufferutil', 'utf-8-validate', 'vscode'],
    logOverride: { 'require-resolve-not-external': 'silent' }, // mocha's parallel mode, unused
  });
  return files;
}

/** What the in-host suite is told about its run (test/integration/config.ts). */
export function suiteConfig(emulator: RunningEmulator, pki?: TestPkiFiles): IntegrationConfig {
  return { serverUrl: emulator.serverUrl, restUrl: emulator.restUrl, emulatorStateFile: emulator.stateFile, repoRoot, extensionId: EXTENSION_ID, pki };
}

/** The files through which the test-runner extension hears of its run and reports back (code-server passes it no environment). */
function suiteFiles(runDir: string): { run: string; progress: string; results: string } {
  // results.json: where codeServerHost.ts also writes when it cannot read the run file.
  return { run: path.join(runDir, 'suite-run.json'), progress: path.join(runDir, 'suite-progress.log'), results: path.join(runDir, 'results.json') };
}

/** Tells the test-runner extension about its run (read when it activates: after the emulator starts, before code-server). */
export function writeRunFile(runDir: string, emulator: RunningEmulator, suite: InHostSuite): void {
  const { run, progress, results } = suiteFiles(runDir);
  fs.writeFileSync(run, JSON.stringify({ config: suiteConfig(emulator, suite.pki), progressFile: progress, resultsFile: results, grep: suite.grep }, null, 2));
}

/** Builds the test-runner extension that runs `suite` on activation in code-server's extension host; returns its VSIX. */
export async function buildTestRunner(runDir: string, suite: InHostSuite, log: (line: string) => void): Promise<{ file: string; id: string }> {
  const dir = path.join(runDir, 'test-runner');
  fs.mkdirSync(dir, { recursive: true });
  const [publisher, name] = ['instamrkt-tests', 'integration-test-runner'];
  // The suite runs in the same fresh, untrusted folder a person would open.
  const capabilities = { untrustedWorkspaces: { supported: true }, virtualWorkspaces: true };
  const description = 'Runs a test suite in the extension host (test harness only).';
  fs.writeFileSync(path.join(dir, 'package.json'), JSON.stringify({ name, publisher, description, version: '0.0.1', license: 'MIT', engines: { vscode: '^1.100.0' }, main: './runner.js', activationEvents: ['onStartupFinished'], capabilities }));
  fs.writeFileSync(path.join(dir, 'README.md'), '# Test runner\n\nGenerated by test/support/suite.ts for one test run.\n');
  fs.writeFileSync(path.join(dir, 'LICENSE'), 'MIT (test harness artefact)\n');
  // Source maps must be on before the bundle loads for stack traces to name .ts lines.
  fs.writeFileSync(path.join(dir, 'runner.js'), "process.setSourceMapsEnabled(true);\nmodule.exports = require('./suite.js');\n");
  const define = { ...suite.define?.(runDir), INSTAMRKT_RUN_FILE: JSON.stringify(suiteFiles(runDir).run) };
  const files = await bundleSuite(suite.testDir, path.join(repoRoot, 'test', 'integration', 'codeServerHost.ts'), path.join(dir, 'suite.js'), { inHost: true, define });
  log(`Suite: ${files.map((file) => path.basename(file)).join(', ')}`);
  return { file: await packageVsix(path.join(runDir, 'test-runner.vsix'), dir), id: `${publisher}.${name}` };
}

/** Prints the suite's progress lines as they come and resolves with its results; fails on the deadline, a dead code-server or host. */
export async function waitForResults(codeServer: Child, runDir: string): Promise<SuiteResults> {
  const files = suiteFiles(runDir);
  let printed = 0;
  const printNewLines = (): void => {
    const lines = fs.existsSync(files.progress) ? fs.readFileSync(files.progress, 'utf8').split('\n').slice(0, -1) : []; // a line is complete at its newline
    lines.slice(printed).forEach((line) => console.log(line));
    printed = Math.max(printed, lines.length);
  };
  await pollUntil('the suite to finish', SUITE_DEADLINE_MS, () => {
    printNewLines();
    if (codeServer.status() !== undefined) throw new Error(`code-server exited (${codeServer.status()}) while the suite ran:\n${codeServer.tail()}`);
    // code-server logs this when the extension host dies (a crash, or process.exit in a test).
    const crash = /Extension Host Process exited with code: .*/.exec(codeServer.tail(200));
    if (crash) throw new Error(`the extension host crashed (${crash[0]})`);
    return fs.existsSync(files.results) || undefined;
  }).catch((err: unknown) => {
    const state = fs.existsSync(files.progress)
      ? `the suite started; last line: ${fs.readFileSync(files.progress, 'utf8').trimEnd().split('\n').pop()}`
      : 'the test-runner extension never started the suite (not activated, or crashed while loading)';
    throw new Error(`${err instanceof Error ? err.message : String(err)}; ${state}`);
  });
  printNewLines();
  const written = JSON.parse(fs.readFileSync(files.results, 'utf8')) as ResultsFile;
  if (written.error !== undefined || !written.results) throw new Error(`the suite could not run in the extension host:\n${written.error ?? 'no results'}`);
  return written.results;
}
