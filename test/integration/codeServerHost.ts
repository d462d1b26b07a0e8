// Entry of the test-runner extension the launcher installs into code-server:
// on activation it runs the integration suite inside the real extension host
// and writes progress lines and final results where the launcher reads them.
// The launcher bakes the path of the run's file into the bundle, because
// environment variables do not reach code-server's extension host.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type * as vscode from 'vscode';
import { parseTestConfig, setHostLogsDir, setTestConfig } from './config';
import { runSuite, type SuiteResults, type TestLoader } from './suite';

/** Replaced at bundle time by the launcher (esbuild `define`). */
declare const INSTAMRKT_RUN_FILE: string;

/** What the launcher writes before starting code-server. */
interface RunFile {
  readonly config: unknown;
  /** Appended to as tests finish (one line each). */
  readonly progressFile: string;
  /** Written once, atomically, when the suite ends. */
  readonly resultsFile: string;
  /** Only tests whose full title matches (mocha's grep). */
  readonly grep?: string;
}

/** What the runner writes to resultsFile. */
export interface ResultsFile {
  readonly results?: SuiteResults;
  /** Set when the suite could not run at all. */
  readonly error?: string;
}

export function host(loadTests: TestLoader): { activate(context: vscode.ExtensionContext): void; deactivate(): void } {
  return {
    activate(context: vscode.ExtensionContext) {
      // This extension's log folder sits next to the one of the extension under test.
      setHostLogsDir(path.dirname(context.logUri.fsPath));
      // Activation must return promptly; the suite runs after it.
      void runAndReport(loadTests);
    },
    deactivate() {
      // Nothing to dispose: the launcher stops code-server when it has the results.
    },
  };
}

async function runAndReport(loadTests: TestLoader): Promise<void> {
  let run: RunFile | undefined;
  try {
    run = JSON.parse(fs.readFileSync(INSTAMRKT_RUN_FILE, 'utf8')) as RunFile;
    setTestConfig(parseTestConfig(run.config, INSTAMRKT_RUN_FILE));
    const progressFile = run.progressFile;
    fs.writeFileSync(progressFile, '');
    const results = await runSuite(loadTests, (line) => fs.appendFileSync(progressFile, `${line}\n`), { grep: run.grep });
    writeAtomically(run.resultsFile, { results });
  } catch (err) {
    const message = err instanceof Error ? (err.stack ?? err.message) : String(err);
    const resultsFile = run?.resultsFile ?? path.join(path.dirname(INSTAMRKT_RUN_FILE), 'results.json');
    writeAtomically(resultsFile, { error: message });
  }
}

function writeAtomically(file: string, value: ResultsFile): void {
  const temporary = `${file}.tmp`;
  fs.writeFileSync(temporary, JSON.stringify(value, null, 2));
  fs.renameSync(temporary, file);
}
