// The connection indicator: one status-bar item, rendered from the session
// snapshot by one switch. Clicking it offers the actions that fit the state.
import vscode = require('vscode');
import { Commands } from '../host/ids';
import type { SessionSnapshot } from '../sources/status';
import type { WhereItRuns } from '../sources/whereItRuns';
import { hostSide } from './hostSide';
import { connectionLabel } from './labels';

function clock(epochMs: number): string {
  return new Date(epochMs).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit', second: '2-digit' });
}

/** Text, icon, colours and accessible label for one snapshot (the label: labels.ts). */
export function describeStatus(s: SessionSnapshot): { text: string; label: string; error: boolean; warning: boolean } {
  const st = s.status;
  const label = connectionLabel(vscode.l10n, s, clock);
  const is = (text: string, error = false, warning = false) => ({ text, label, error, warning });
  switch (st.kind) {
    case 'starting':
      // The stored sign-in is still being read: the same neutral item as before the first status.
      return is('$(sync~spin) Instamrkt');
    case 'signedOut':
      return is(`$(account) ${vscode.l10n.t('Instamrkt: signed out')}`);
    case 'connecting':
      return is(`$(sync~spin) ${vscode.l10n.t('Instamrkt: connecting')}`);
    case 'connected':
      return is(`$(pass-filled) Instamrkt${st.latencyMs === undefined ? '' : ` ${Math.round(st.latencyMs)} ms`}`);
    case 'disconnected':
      return st.nextRetryAt !== undefined
        ? is(`$(debug-disconnect) ${vscode.l10n.t('Instamrkt: retrying at {0}', clock(st.nextRetryAt))}`, false, true)
        : is(`$(debug-disconnect) ${vscode.l10n.t('Instamrkt: disconnected')}`, false, true);
    case 'authFailed':
      return is(`$(error) ${vscode.l10n.t('Instamrkt: sign-in failed')}`, true);
  }
}

function tooltip(s: SessionSnapshot, where: WhereItRuns): vscode.MarkdownString {
  const md = new vscode.MarkdownString(undefined, true);
  md.isTrusted = { enabledCommands: [Commands.connect, Commands.disconnect, Commands.signIn, Commands.showLog, Commands.refresh, Commands.testConnection] };
  md.supportThemeIcons = true;
  const esc = (t: string) => t.replace(/[\\`*_{}[\]()#+\-.!|<>]/g, '\\$&');
  md.appendMarkdown(`**Instamrkt**${s.usingEmulator ? ` — ${esc(vscode.l10n.t('local emulator'))}` : ''}\n\n`);
  md.appendMarkdown(`${esc(vscode.l10n.t('Server'))}: \`${s.serverUrl.replace(/`/g, '')}\`\n\n`);
  if (s.username || s.userId) md.appendMarkdown(`${esc(vscode.l10n.t('User'))}: ${esc(s.username ?? '')}${s.userId ? ` (${esc(s.userId)})` : ''}\n\n`);
  if (s.status.kind === 'connected' && s.status.latencyMs !== undefined) md.appendMarkdown(`${esc(vscode.l10n.t('Latency'))}: ${Math.round(s.status.latencyMs)} ms\n\n`);
  if (s.status.kind === 'disconnected' && s.status.nextRetryAt !== undefined) md.appendMarkdown(`${esc(vscode.l10n.t('Next retry'))}: ${clock(s.status.nextRetryAt)}\n\n`);
  if (s.lastError) md.appendMarkdown(`${esc(vscode.l10n.t('Last error'))}: ${esc(s.lastError)}\n\n`);
  // Connections start where the extension runs: say so when that is not this computer.
  if (where.remote) md.appendMarkdown(`${esc(vscode.l10n.t('Runs on'))}: ${esc(where.summary)}\n\n`);
  const links: string[] = [];
  if (s.status.kind === 'connected' || s.status.kind === 'connecting') links.push(`[${esc(vscode.l10n.t('Disconnect'))}](command:${Commands.disconnect})`);
  if (s.status.kind === 'disconnected' || s.status.kind === 'authFailed') links.push(`[${esc(vscode.l10n.t('Connect'))}](command:${Commands.connect})`);
  if (s.status.kind === 'signedOut' || s.status.kind === 'authFailed') links.push(`[${esc(vscode.l10n.t('Sign In'))}](command:${Commands.signIn})`);
  links.push(`[${esc(vscode.l10n.t('Test Connection'))}](command:${Commands.testConnection})`);
  links.push(`[${esc(vscode.l10n.t('Show Log'))}](command:${Commands.showLog})`);
  md.appendMarkdown(links.join(' · '));
  return md;
}

export class StatusBar implements vscode.Disposable {
  readonly #item: vscode.StatusBarItem;
  /** Where this extension host runs: fixed for the window's life. */
  readonly #where = hostSide();

  constructor() {
    this.#item = vscode.window.createStatusBarItem('instamrkt.connection', vscode.StatusBarAlignment.Left, 50);
    this.#item.name = vscode.l10n.t('Instamrkt Connection');
    this.#item.command = Commands.statusActions;
    // Until the stored sign-in has been read, say only that: "signed out" would be a guess.
    this.#item.text = '$(sync~spin) Instamrkt';
    this.#item.accessibilityInformation = { label: vscode.l10n.t('Instamrkt: starting'), role: 'button' };
    this.#item.show();
  }

  update(s: SessionSnapshot): void {
    const d = describeStatus(s);
    this.#item.text = d.text;
    this.#item.accessibilityInformation = { label: d.label, role: 'button' };
    this.#item.backgroundColor = d.error
      ? new vscode.ThemeColor('statusBarItem.errorBackground')
      : d.warning
        ? new vscode.ThemeColor('statusBarItem.warningBackground')
        : undefined;
    this.#item.tooltip = tooltip(s, this.#where);
  }

  dispose(): void {
    this.#item.dispose();
  }
}

/** The quick pick behind a click on the status item: only the actions that fit the state. */
export async function pickStatusAction(s: SessionSnapshot): Promise<void> {
  type Item = vscode.QuickPickItem & { command: string };
  const items: Item[] = [];
  const add = (label: string, command: string, detail?: string) => items.push({ label, command, detail });
  switch (s.status.kind) {
    case 'signedOut':
      add(`$(sign-in) ${vscode.l10n.t('Sign In')}`, Commands.signIn);
      add(`$(key) ${vscode.l10n.t('Sign In with Session Key')}`, Commands.signInWithSessionKey);
      break;
    case 'connected':
      add(`$(refresh) ${vscode.l10n.t('Refresh')}`, Commands.refresh);
      add(`$(debug-disconnect) ${vscode.l10n.t('Disconnect')}`, Commands.disconnect);
      add(`$(sign-out) ${vscode.l10n.t('Sign Out')}`, Commands.signOut);
      break;
    case 'connecting':
      add(`$(debug-disconnect) ${vscode.l10n.t('Disconnect')}`, Commands.disconnect);
      add(`$(sign-out) ${vscode.l10n.t('Sign Out')}`, Commands.signOut);
      break;
    case 'disconnected':
      add(`$(plug) ${vscode.l10n.t('Connect')}`, Commands.connect, s.lastError);
      add(`$(sign-out) ${vscode.l10n.t('Sign Out')}`, Commands.signOut);
      break;
    case 'authFailed':
      add(`$(sign-in) ${vscode.l10n.t('Sign In')}`, Commands.signIn, s.lastError);
      add(`$(key) ${vscode.l10n.t('Sign In with Session Key')}`, Commands.signInWithSessionKey);
      add(`$(plug) ${vscode.l10n.t('Connect')}`, Commands.connect);
      add(`$(sign-out) ${vscode.l10n.t('Sign Out')}`, Commands.signOut);
      break;
  }
  if (s.usingEmulator) add(`$(debug-stop) ${vscode.l10n.t('Stop Local Emulator')}`, Commands.stopEmulator);
  else add(`$(server-process) ${vscode.l10n.t('Start Local Emulator')}`, Commands.startEmulator);
  add(`$(pulse) ${vscode.l10n.t('Test Connection')}`, Commands.testConnection);
  add(`$(output) ${vscode.l10n.t('Show Log')}`, Commands.showLog);
  const picked = await vscode.window.showQuickPick(items, { title: vscode.l10n.t('Instamrkt'), placeHolder: describeStatus(s).label });
  if (picked) await vscode.commands.executeCommand(picked.command);
}
