// Entry point: builds the extension's parts and registers every disposable.
// Wiring only; the logic lives in ui/, sources/ and protocol/.
import * as vscode from 'vscode';

export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('Instamrkt', { log: true });
  context.subscriptions.push(
    log,
    vscode.commands.registerCommand('instamrkt.showLog', () => log.show()),
  );
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
