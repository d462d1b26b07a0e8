// The extension's "Instamrkt" log as the in-host tests read it: through the
// output channel's document, the same text a person sees after Show Log.
import * as vscode from 'vscode';
import { until } from './until';

/** The whole log so far. */
export async function logText(): Promise<string> {
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
