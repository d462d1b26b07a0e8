// Instamrkt: Test Connection in VS Code. The steps are protocol/diagnose.ts's;
// with them this adapter is bundled apart (dist/diagnose.js) and loaded on
// first use (testConnectionLoader.ts). It
// gathers what they need (endpoints, VS Code's proxy settings, the stored
// sign-in, read only), shows each step in a progress notification, and the
// report as a read-only Markdown document: it can be read, searched and
// copied like any file, updates in place on the next run, and closing it
// never asks to save. The report passes through the log's redactor, so what
// is shown or copied holds no secret. Copy Report and the failed step's next
// step are offered as buttons.
import vscode = require('vscode');
import type { Config } from '../host/config';
import type { Logger } from '../host/log';
import { Commands } from '../host/ids';
import { diagnose, formatReport, summarize, type NextAction, type StepResult } from '../protocol';
import type { Redactor } from '../host/redact';
import type { AccountStore, Session } from '../sources/session';
import { whatFollows } from '../sources/whereItRuns';
import { hostSide } from './hostSide';

export const REPORT_SCHEME = 'instamrkt-report';
const REPORT_URI = vscode.Uri.from({ scheme: REPORT_SCHEME, path: '/Instamrkt Connection Test.md' });

/** The latest report, served as a read-only document. */
export class ConnectionReport implements vscode.TextDocumentContentProvider, vscode.Disposable {
  #text = '';
  readonly #changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.#changed.event;
  readonly #registration = vscode.workspace.registerTextDocumentContentProvider(REPORT_SCHEME, this);

  get text(): string {
    return this.#text;
  }

  provideTextDocumentContent(): string {
    return this.#text;
  }

  async show(text: string): Promise<void> {
    this.#text = text;
    const open = vscode.workspace.textDocuments.find((d) => d.uri.toString() === REPORT_URI.toString());
    // An open report is re-read by VS Code after the change event, a moment later: show it once it holds this run's text.
    const refreshed = open && open.getText() !== text ? this.#refreshOf(open.uri, text) : undefined;
    this.#changed.fire(REPORT_URI);
    await refreshed;
    const doc = await vscode.workspace.openTextDocument(REPORT_URI);
    await vscode.window.showTextDocument(doc, { preview: false });
  }

  /** Resolves when the document at `uri` holds `text`, or after a few seconds (it is then shown as VS Code has it). */
  #refreshOf(uri: vscode.Uri, text: string): Promise<void> {
    return new Promise<void>((resolve) => {
      const done = (): void => {
        clearTimeout(timer);
        sub.dispose();
        resolve();
      };
      const timer = setTimeout(done, 5000);
      const sub = vscode.workspace.onDidChangeTextDocument((e) => {
        if (e.document.uri.toString() === uri.toString() && e.document.getText() === text) done();
      });
    });
  }

  async copy(): Promise<void> {
    if (this.#text === '') throw new Error(vscode.l10n.t('There is no connection report yet: run Instamrkt: Test Connection first.'));
    await vscode.env.clipboard.writeText(this.#text);
    vscode.window.setStatusBarMessage(vscode.l10n.t('Copied the connection report.'), 3000);
  }

  dispose(): void {
    this.#registration.dispose();
    this.#changed.dispose();
  }
}

let current: ConnectionReport | undefined;
const theReport = (): ConnectionReport => (current ??= new ConnectionReport());

/** Copy Report: the last report, as shown. */
export function copyReport(): Promise<void> {
  return theReport().copy();
}

export function dispose(): void {
  current?.dispose();
  current = undefined;
}

export interface TestConnectionDeps {
  config: Config;
  session: Session;
  store: AccountStore;
  redactor: Redactor;
  log: Logger;
  version: string | undefined;
}

/** What the command returns (the in-host tests read it): each step, and the report as shown. */
export interface TestConnectionResult {
  steps: StepResult[];
  report: string;
}

function actionButton(action: NextAction | undefined): { label: string; run: () => Thenable<unknown> } | undefined {
  switch (action?.kind) {
    case 'settings':
      return { label: vscode.l10n.t('Open Settings'), run: () => vscode.commands.executeCommand('workbench.action.openSettings', action.setting) };
    case 'signIn':
      return { label: vscode.l10n.t('Sign In'), run: () => vscode.commands.executeCommand(Commands.signIn) };
    case 'startEmulator':
      return { label: vscode.l10n.t('Start Local Emulator'), run: () => vscode.commands.executeCommand(Commands.startEmulator) };
    case 'showLog':
      return { label: vscode.l10n.t('Show Log'), run: () => vscode.commands.executeCommand(Commands.showLog) };
    default:
      return undefined;
  }
}

export async function testConnection(deps: TestConnectionDeps): Promise<TestConnectionResult> {
  const endpoints = deps.session.endpoints;
  const usingEmulator = deps.session.snapshot.usingEmulator;
  let account: { userId: string; sessionKey: string } | undefined;
  let accountUnreadable: string | undefined;
  if (deps.session.isSignedIn) {
    try {
      const stored = await deps.store.get(endpoints.serverUrl);
      account = stored && { userId: stored.userId, sessionKey: stored.sessionKey };
    } catch (err) {
      accountUnreadable = err instanceof Error ? err.message : String(err);
    }
  }
  const steps = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Testing the connection to Instamrkt') },
    (progress) =>
      diagnose(
        { serverUrl: endpoints.serverUrl, restUrl: endpoints.restUrl, timeoutMs: Math.min(endpoints.requestTimeoutMs, 15_000), network: deps.config.network, account, accountUnreadable, host: { ...hostSide(), consequence: whatFollows(hostSide()) }, usingEmulator },
        (r) => progress.report({ message: `${r.title}: ${r.status}` }),
      ),
  );
  const report = deps.redactor.redact(formatReport(steps, { serverUrl: endpoints.serverUrl, restUrl: endpoints.restUrl, at: new Date(), version: deps.version }));
  const summary = summarize(steps);
  deps.log.info(deps.redactor.redact(summary.line));
  await theReport().show(report);

  const copy = vscode.l10n.t('Copy Report');
  const next = actionButton(summary.failed?.action ?? summary.warnings[0]?.action);
  const buttons = next ? [next.label, copy] : [copy];
  const line = deps.redactor.redact(summary.line);
  const shown = summary.ok ? vscode.window.showInformationMessage(line, ...buttons) : vscode.window.showErrorMessage(line, ...buttons);
  // The report is already open: the buttons are offered, not awaited.
  Promise.resolve(shown)
    .then(async (picked) => {
      if (picked === copy) await theReport().copy();
      else if (next && picked === next.label) await next.run();
    })
    .catch((err: unknown) => deps.log.error(`The action after Test Connection failed: ${err instanceof Error ? err.message : String(err)}`));
  return { steps, report };
}
