// `npm run test:integration`: runs test/integration/*.test.ts inside the
// extension host of a real code-server, with the extension installed from a
// VSIX built from this tree and the emulator running, and reports the results.
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import type { ResultsFile } from '../integration/codeServerHost';
import type { IntegrationConfig } from '../integration/config';
import { startHarness, type Harness } from './harness';
import { EXTENSION_ID, repoRoot } from './paths';
import { isShuttingDown, pollUntil, stopAll } from './processes';
import { writeStats } from './stats';
import { grepArgument } from './cliArgs';
import { buildTestRunnerExtension } from './testRunnerExtension';
import { makeTestPki, writeTestPki } from '../fixtures/certificates';

/** From the workbench opening to the results file; override with INSTAMRKT_INTEGRATION_TIMEOUT (seconds). */
const SUITE_DEADLINE_MS = Number(process.env.INSTAMRKT_INTEGRATION_TIMEOUT ?? 600) * 1000;

export async function main(argv: readonly string[] = []): Promise<number> {
  const grep = grepArgument(argv);
  const started = Date.now();
  let harness: Harness | undefined;
  let outcome: { passed: number; failed: number; pending: number } = { passed: 0, failed: 1, pending: 0 };
  // The run's throwaway CA and server certificates; code-server (and so its extension host) trusts the CA.
  const pkiDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-pki-'));
  try {
    const pki = writeTestPki(pkiDir, await makeTestPki());
    let runFile = '';
    let progressFile = '';
    let resultsFile = '';
    harness = await startHarness({
      kind: 'integration',
      seed: 'demo',
      browser: true,
      // Every logger at trace, so the suite can check that no level logs a secret.
      logLevel: 'trace',
      codeServerEnv: { NODE_EXTRA_CA_CERTS: pki.ca },
      extraExtensions: async (runDir) => {
        runFile = path.join(runDir, 'integration-run.json');
        progressFile = path.join(runDir, 'integration-progress.log');
        resultsFile = path.join(runDir, 'integration-results.json');
        const build = await buildTestRunnerExtension(runDir, runFile);
        console.log(`Integration suite: ${build.testFiles.map((file) => path.basename(file)).join(', ')}`);
        return [build.vsix];
      },
      beforeCodeServer: (_runDir, emulator) => {
        const config: IntegrationConfig = {
          serverUrl: emulator.serverUrl,
          restUrl: emulator.restUrl,
          emulatorStateFile: emulator.stateFile,
          repoRoot,
          extensionId: EXTENSION_ID,
          pki,
        };
        fs.writeFileSync(runFile, JSON.stringify({ config, progressFile, resultsFile, grep }, null, 2));
      },
    });
    console.log(`Harness up in ${seconds(started)} s (${harness.timings.map(([step, s]) => `${step} ${s.toFixed(1)} s`).join(', ')}); run folder ${path.relative(repoRoot, harness.runDir)}`);
    const results = await waitForResults(harness, progressFile, resultsFile);
    outcome = { passed: results.passes, failed: results.failures, pending: results.pending };
    console.log(`\nIntegration (in code-server's extension host): ${results.passes} passing, ${results.failures} failing, ${results.pending} pending (${(results.durationMs / 1000).toFixed(1)} s in the host)`);
  } catch (err) {
    // After Ctrl+C the signal handler is stopping everything and will exit.
    if (isShuttingDown()) return new Promise<number>(() => undefined);
    console.error(`\nIntegration suite did not complete: ${err instanceof Error ? err.message : String(err)}`);
    if (harness) console.error(harness.extensionHostLogTail(40));
  } finally {
    if (harness) {
      await harness.stop().catch((err: unknown) => {
        console.error(String(err));
        outcome = { ...outcome, failed: outcome.failed + 1 };
      });
    }
    await stopAll();
    fs.rmSync(pkiDir, { recursive: true, force: true });
  }
  writeStats(outcome);
  console.log(`Integration phase took ${seconds(started)} s`);
  return outcome.failed > 0 ? 1 : 0;
}

/** Streams the suite's progress lines and resolves with its results; fails on deadline or a dead code-server. */
export async function waitForResults(harness: Harness, progressFile: string, resultsFile: string): Promise<NonNullable<ResultsFile['results']>> {
  let printed = 0;
  const printNewLines = (): void => {
    if (!fs.existsSync(progressFile)) return;
    const lines = fs.readFileSync(progressFile, 'utf8').split('\n');
    lines.pop(); // a line is complete only once its newline is written
    for (const line of lines.slice(printed)) console.log(line);
    printed = Math.max(printed, lines.length);
  };
  const file = await pollUntil('the integration suite to finish', SUITE_DEADLINE_MS, () => {
    printNewLines();
    const status = harness.codeServer.child.process.exitCode ?? harness.codeServer.child.process.signalCode;
    if (status !== null) throw new Error(`code-server exited (${status}) while the suite ran:\n${harness.codeServer.child.tail()}`);
    // code-server logs this when the extension host dies (crash, or process.exit in a test).
    const crash = /Extension Host Process exited with code: .*/.exec(harness.codeServer.child.tail(200));
    if (crash) throw new Error(`the extension host crashed (${crash[0]})`);
    return fs.existsSync(resultsFile) ? resultsFile : undefined;
  }).catch((err: unknown) => {
    const state = fs.existsSync(progressFile)
      ? `the suite started; last line: ${fs.readFileSync(progressFile, 'utf8').trimEnd().split('\n').pop() ?? '(none)'}`
      : 'the test-runner extension never started the suite (not activated, or crashed while loading)';
    throw new Error(`${err instanceof Error ? err.message : String(err)}; ${state}`);
  });
  printNewLines();
  const written = JSON.parse(fs.readFileSync(file, 'utf8')) as ResultsFile;
  if (written.error !== undefined || !written.results) throw new Error(`the suite could not run in the extension host:\n${written.error ?? 'no results'}`);
  return written.results;
}

function seconds(since: number): string {
  return ((Date.now() - since) / 1000).toFixed(1);
}
