// Runs bench/inhost/*.test.ts inside code-server's extension host with the
// integration suite's test-runner extension, and reads back the figures the
// suite wrote. A failing assertion there means no figures, never made-up ones.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { IntegrationConfig } from '../../test/integration/config';
import { startHarness, type Harness } from '../../test/support/harness';
import { waitForResults } from '../../test/support/integrationMain';
import { EXTENSION_ID, repoRoot } from '../../test/support/paths';
import { buildTestRunnerExtension } from '../../test/support/testRunnerExtension';
import { isTreeFigures, type TreeFigures } from './figures';

export interface TreeOutcome {
  readonly figures?: TreeFigures;
  readonly problem?: string;
}

/** `extensionRoot`: the tree whose extension is measured (default: the working tree); the in-host test is always the working tree's. */
export async function measureTree(log: (line: string) => void, extensionRoot?: string): Promise<TreeOutcome> {
  let runFile = '';
  let progressFile = '';
  let resultsFile = '';
  let figuresFile = '';
  let harness: Harness | undefined;
  try {
    harness = await startHarness({
      kind: extensionRoot ? 'bench-tree-baseline' : 'bench-tree',
      extensionRoot,
      seed: 'demo',
      browser: true,
      log,
      extraExtensions: async (runDir) => {
        runFile = path.join(runDir, 'bench-run.json');
        progressFile = path.join(runDir, 'bench-progress.log');
        resultsFile = path.join(runDir, 'bench-results.json');
        figuresFile = path.join(runDir, 'bench-tree-figures.json');
        const build = await buildTestRunnerExtension(runDir, runFile, {
          testDir: path.join(repoRoot, 'bench', 'inhost'),
          define: { INSTAMRKT_BENCH_FIGURES_FILE: JSON.stringify(figuresFile) },
        });
        return [build.vsix];
      },
      beforeCodeServer: (_runDir, emulator) => {
        const config: IntegrationConfig = { serverUrl: emulator.serverUrl, restUrl: emulator.restUrl, emulatorStateFile: emulator.stateFile, repoRoot, extensionId: EXTENSION_ID };
        fs.writeFileSync(runFile, JSON.stringify({ config, progressFile, resultsFile }, null, 2));
      },
    });
    const results = await waitForResults(harness, progressFile, resultsFile);
    if (results.failures > 0 || results.passes === 0) {
      const details = results.failureDetails.map((f) => `${f.fullTitle}: ${f.message}\n${f.stack}`).join('\n');
      return { problem: `the in-host benchmark failed (${results.passes} passed, ${results.failures} failed):\n${details}` };
    }
    if (!fs.existsSync(figuresFile)) return { problem: `the in-host benchmark passed but wrote no figures to ${figuresFile}` };
    const figures: unknown = JSON.parse(fs.readFileSync(figuresFile, 'utf8'));
    if (!isTreeFigures(figures)) return { problem: `${figuresFile} does not hold the expected figures` };
    return { figures };
  } catch (err) {
    return { problem: `${err instanceof Error ? err.message : String(err)}${harness ? `\n${harness.extensionHostLogTail(20)}` : ''}` };
  } finally {
    await harness?.stop().catch((err: unknown) => log(`teardown: ${String(err)}`));
  }
}
