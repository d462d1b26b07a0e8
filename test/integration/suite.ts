// Runs the integration suite with mocha inside whichever VS Code host loaded
// it (code-server via the test-runner extension, or @vscode/test-electron),
// and collects results the launcher can report: counts, every failure's
// title, message and stack, and one line per test.
import Mocha from 'mocha';
import { findSourceMap } from 'node:module';
import * as path from 'node:path';
import { fileURLToPath } from 'node:url';
import { testConfig } from './config';

export type TestLoader = (beforeFile: (file: string) => void) => void;

export interface TestFailure {
  readonly fullTitle: string;
  readonly message: string;
  readonly stack: string;
}

export interface SuiteResults {
  readonly passes: number;
  readonly failures: number;
  readonly pending: number;
  readonly durationMs: number;
  readonly failureDetails: readonly TestFailure[];
  /** Human-readable, one per suite title and per test, in run order. */
  readonly lines: readonly string[];
}

const { EVENT_SUITE_BEGIN, EVENT_SUITE_END, EVENT_TEST_PASS, EVENT_TEST_FAIL, EVENT_TEST_PENDING } = Mocha.Runner.constants;

/** Runs the tests `loadTests` registers; `onLine` sees each report line as it happens. */
export function runSuite(loadTests: TestLoader, onLine: (line: string) => void, options: { timeoutMs?: number; grep?: string } = {}): Promise<SuiteResults> {
  const mocha = new Mocha({ ui: 'bdd', timeout: options.timeoutMs ?? 30_000, color: false, reporter: SilentReporter, grep: options.grep });
  loadTests((file) => mocha.suite.emit(Mocha.Suite.constants.EVENT_FILE_PRE_REQUIRE, globalThis, file, mocha));
  const lines: string[] = [];
  const failureDetails: TestFailure[] = [];
  let passes = 0;
  let failures = 0;
  let pending = 0;
  let depth = 0;
  const started = Date.now();
  const emit = (line: string): void => {
    lines.push(line);
    onLine(line);
  };
  return new Promise((resolve) => {
    const runner = mocha.run(() => {
      for (const [index, failure] of failureDetails.entries()) {
        emit(`${index + 1}) ${failure.fullTitle}\n   ${failure.message}\n${indent(failure.stack, '   ')}`);
      }
      resolve({ passes, failures, pending, durationMs: Date.now() - started, failureDetails, lines });
    });
    const pad = (): string => '  '.repeat(depth);
    runner.on(EVENT_SUITE_BEGIN, (suite: Mocha.Suite) => {
      if (suite.root) return;
      emit(`${pad()}${suite.title}`);
      depth += 1;
    });
    runner.on(EVENT_SUITE_END, (suite: Mocha.Suite) => {
      if (!suite.root) depth -= 1;
    });
    runner.on(EVENT_TEST_PASS, (test: Mocha.Test) => {
      passes += 1;
      emit(`${pad()}✔ ${test.title} (${test.duration ?? 0} ms)`);
    });
    runner.on(EVENT_TEST_PENDING, (test: Mocha.Test) => {
      pending += 1;
      emit(`${pad()}- ${test.title} (pending)`);
    });
    // Also fires for failing hooks, which therefore count as failures.
    runner.on(EVENT_TEST_FAIL, (test: Mocha.Runnable, err: unknown) => {
      failures += 1;
      const { message, stack } = describeError(err);
      failureDetails.push({ fullTitle: test.fullTitle(), message, stack });
      emit(`${pad()}✘ ${failures}) ${test.title}`);
    });
  });
}

function describeError(err: unknown): { message: string; stack: string } {
  if (err instanceof Error) {
    const stack = (err.stack ?? '')
      .split('\n')
      .filter((line) => line.trimStart().startsWith('at '))
      .map(toSourceFrame)
      .join('\n');
    return { message: `${err.name}: ${err.message}`, stack };
  }
  return { message: String(err), stack: '' };
}

/**
 * VS Code's extension host formats stacks itself, past Node's source-map
 * support: map bundle positions back to the .ts sources here (the runner
 * enables source maps before loading the bundle, so Node has the map).
 */
function toSourceFrame(frame: string): string {
  // Mocha shortens paths under the working directory: resolve them back.
  return frame.replace(/([^\s()]+\.js):(\d+):(\d+)/, (whole, file: string, line: string, column: string) => {
    const entry = findSourceMap(path.resolve(file))?.findEntry(Number(line) - 1, Number(column) - 1);
    if (!entry || !('originalSource' in entry) || !entry.originalSource) return whole;
    const source = entry.originalSource.startsWith('file:') ? fileURLToPath(entry.originalSource) : path.resolve(path.dirname(path.resolve(file)), entry.originalSource);
    return `${path.relative(repoRootOrCwd(), source)}:${entry.originalLine + 1}:${entry.originalColumn + 1}`;
  });
}

function repoRootOrCwd(): string {
  try {
    return testConfig().repoRoot;
  } catch {
    return process.cwd();
  }
}

function indent(text: string, prefix: string): string {
  return text
    .split('\n')
    .filter((line) => line !== '')
    .map((line) => prefix + line.trim())
    .join('\n');
}

/** Mocha needs a reporter; ours is the event listeners above. */
class SilentReporter extends Mocha.reporters.Base {}
