// Runs bench/inhost/*.test.ts inside code-server's extension host with the
// integration suite's test-runner extension, and reads back the figures the
// suite wrote. A failing assertion there means no figures, never made-up ones.
import * as fs from 'node:fs';
import * as path from 'node:path';
import { startHarness, type Harness } from '../../test/support/harness';
import { repoRoot } from '../../test/support/paths';
import { isTreeFigures, type TreeFigures } from './figures';

export interface TreeOutcome {
  readonly figures?: TreeFigures;
  readonly problem?: string;
}

/** `extensionRoot`: the tree whose extension is measured (default: the working tree); the in-host test is always the working tree's. */
export async function measureTree(log: (line: string) => void, extensionRoot?: string): Promise<TreeOutcome> {
  let figuresFile = '';
  let harness: Harness | undefined;
  try {
    const define = (runDir: string): Record<string, string> => {
      figuresFile = path.join(runDir, 'bench-tree-figures.json');
      return { INSTAMRKT_BENCH_FIGURES_FILE: JSON.stringify(figuresFile) };
    };
    const suite = { testDir: path.join(repoRoot, 'bench', 'inhost'), define };
    harness = await startHarness({ kind: extensionRoot ? 'bench-tree-baseline' : 'bench-tree', extensionRoot, browser: true, log, suite });
    const results = await harness.suiteResults();
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
