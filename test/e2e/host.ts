// The module bundled with the e2e suite (by the e2e job of test/support/jobs.ts), as codeServerHost.ts is
// with the in-host one: runs test/e2e/*.test.ts with mocha in this Node process, then stops the shared
// fixture and checks that nothing it started still runs.
import * as fs from 'node:fs';
import Mocha from 'mocha';
import { isShuttingDown, liveChildren, stopAll } from '../support/processes';
import { screenshotsDir, stopFixture } from './fixture';

type TestLoader = (beforeFile: (file: string) => void) => void;

/** One UI test's deadline; the fixture's start-up hook sets its own. */
const TEST_TIMEOUT_MS = 120_000;

export function host(loadTests: TestLoader): { run(grep?: string): Promise<number> } {
  return { run: (grep) => runE2e(loadTests, grep) };
}

async function runE2e(loadTests: TestLoader, grep: string | undefined): Promise<number> {
  fs.rmSync(screenshotsDir, { recursive: true, force: true });
  const mocha = new Mocha({ ui: 'bdd', timeout: TEST_TIMEOUT_MS, reporter: 'spec', color: process.stdout.isTTY, grep });
  loadTests((file) => mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha));
  const stats = await new Promise<Mocha.Stats>((resolve) => {
    const runner = mocha.run(() => resolve(runner.stats ?? { passes: 0, failures: 1, pending: 0, suites: 0, tests: 0 }));
  });
  // After Ctrl+C the signal handler is stopping everything and will exit.
  if (isShuttingDown()) return new Promise<number>(() => undefined);
  let failed = stats.failures;
  try {
    await stopFixture();
  } catch (err) {
    console.error(`e2e teardown failed: ${err instanceof Error ? err.message : String(err)}`);
    failed += 1;
  }
  const leftovers = liveChildren();
  if (leftovers.length > 0) {
    console.error(`e2e teardown left running: ${leftovers.join(', ')}`);
    failed += 1;
    await stopAll();
  }
  console.log(`Screenshots: ${screenshotsDir}`);
  // The counts npm test totals (see test/support/jobs.ts).
  const statsFile = process.env.HARNESS_STATS_FILE;
  if (statsFile) fs.writeFileSync(statsFile, JSON.stringify({ passed: stats.passes, failed, pending: stats.pending }));
  return failed > 0 ? 1 : 0;
}
