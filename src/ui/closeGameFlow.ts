// Closing one game, from the confirmation to the outcome the user is told.
// Not needed at activation: esbuild bundles it apart as dist/closeGameFlow.js,
// loaded on the first Close Game. So it imports only `vscode` and types, and
// tells errors apart by their stable `code` (a class imported here would be
// a second copy, and `instanceof` against the main bundle's would fail).
import vscode = require('vscode');
import type { CloseConfirmation } from '../host/config';
import type { NextStep, Notice } from '../host/notifier';

export interface GameCloseTarget {
  name: string;
  sourceName: string;
  /** The game's status in words ("in progress, betting", "upcoming"). */
  status: string;
}

export interface CloseGameRun extends GameCloseTarget {
  mode: CloseConfirmation;
  /** The modal with one destructive button (prompts.ts warn). */
  warn(message: string, detail: string, button: string): Promise<boolean>;
  /** An input confirming only the exact name (prompts.ts typeToConfirm). */
  typeToConfirm(name: string, title: string, prompt: string): Promise<boolean>;
  /** Sends the close (SourceService.closeGame): resolves once the server closed it. */
  close(): Promise<void>;
  notify(notice: Notice): void;
  log(line: string): void;
  showLog: NextStep;
}

/** The modal's message and detail: the game, its source, its status, what closing does. */
export function closeGameWarning(t: GameCloseTarget): { message: string; detail: string } {
  return {
    message: vscode.l10n.t('Close game "{0}"?', t.name),
    detail: [
      vscode.l10n.t('Game source: {0}', t.sourceName),
      vscode.l10n.t('Status: {0}', t.status),
      vscode.l10n.t('Closing it resolves its betting pools (a pool that needs manual resolution stops taking bets until it is resolved). This cannot be undone.'),
    ].join('\n\n'),
  };
}

/** What the user is told when a close did not, or may not have, happened. Never "closed". */
export function closeGameFailure(name: string, err: unknown): string {
  const e = err as { code?: unknown; text?: unknown; message?: unknown } | undefined;
  const message = err instanceof Error ? err.message : String(err);
  if (e?.code === 'server') return vscode.l10n.t('Could not close game "{0}": the server refused: {1}', name, String(e.text));
  if (e?.code === 'connection-lost' || e?.code === 'timeout') {
    return vscode.l10n.t('Closing game "{0}" may or may not have happened: {1} The list will be re-read from the server.', name, message);
  }
  return vscode.l10n.t('Could not close game "{0}": {1}', name, message);
}

/** Every listed game is live or upcoming: `auto` and `typeName` ask for its name after the modal. */
export async function runCloseGame(r: CloseGameRun): Promise<void> {
  const { message, detail } = closeGameWarning(r);
  if (!(await r.warn(message, detail, vscode.l10n.t('Close Game')))) return;
  if (r.mode !== 'modal' && !(await r.typeToConfirm(r.name, vscode.l10n.t('Confirm closing game "{0}"', r.name), vscode.l10n.t('Type the game name to close it and resolve its pools.')))) return;
  const started = Date.now();
  try {
    await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Closing game "{0}"…', r.name) }, () => r.close());
  } catch (err) {
    r.log(`failed after ${Date.now() - started} ms: ${err instanceof Error ? err.message : String(err)}`);
    r.notify({ severity: 'error', message: closeGameFailure(r.name, err), steps: [r.showLog] });
    return;
  }
  r.log(`closed in ${Date.now() - started} ms`);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Closed game "{0}".', r.name), 5000);
}
