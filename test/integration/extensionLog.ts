// The extension's "Instamrkt" log as the in-host tests read it: the log file
// VS Code writes for the channel, the text a person sees after Show Log.
// (The output channel's text document, read through the API, can stay empty
// for seconds after Show Log in code-server: a test reading it could pass on
// an empty log.) Under test-electron, where the folder is not known, the
// document is read instead.
import * as fs from 'node:fs';
import * as path from 'node:path';
import * as vscode from 'vscode';
import { hostLogsDir, testConfig } from './config';
import { until } from './until';

/** The whole log so far. */
export async function logText(): Promise<string> {
  const dir = hostLogsDir();
  if (dir) {
    const file = path.join(dir, testConfig().extensionId, 'Instamrkt.log');
    return fs.existsSync(file) ? fs.readFileSync(file, 'utf8') : '';
  }
  await vscode.commands.executeCommand('instamrkt.showLog');
  const doc = await until('the Instamrkt log document', () =>
    vscode.workspace.textDocuments.find((d) => d.uri.scheme === 'output' && d.uri.path.includes('Instamrkt')),
  );
  return doc.getText();
}

/** Where the log ends now: pass it to logLine() to look only at what comes after. */
export async function logMark(): Promise<number> {
  return (await logText()).length;
}

/**
 * Waits until a log line written after `mark` matches `pattern`; returns the
 * last such line. (A line shows up in the document a little after it is written.)
 */
export function logLine(what: string, pattern: RegExp, mark = 0, timeoutMs = 15_000): Promise<string> {
  return until(
    what,
    async () => {
      const lines = (await logText()).slice(mark).split('\n').filter((line) => pattern.test(line));
      return lines.length > 0 ? lines[lines.length - 1] : undefined;
    },
    timeoutMs,
  );
}
