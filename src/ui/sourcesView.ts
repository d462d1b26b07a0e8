// The Game Sources TreeView: the provider, multi-select, and the message
// shown above a last known list (why it may be out of date, and why it is not
// connected when that is known).
import vscode = require('vscode');
import { Views } from '../host/ids';
import type { ListState, SourceService } from '../sources/sourceService';
import type { SessionSnapshot } from '../sources/status';
import { SourcesTreeProvider } from './sourcesTree';

/**
 * What the view says above the list: nothing for a list as the server last
 * said; for a last known list, why it is shown, and while not connected the
 * reason when one is known (a refused setting, a lost connection, a refused
 * sign-in). Connected and still reading is not "offline": saying so would be false.
 */
export function listMessage(list: ListState, rows: number, session: Pick<SessionSnapshot, 'status' | 'lastError'>, time: (epochMs: number) => string): string | undefined {
  if (list.kind !== 'stale' || rows === 0) return undefined;
  const at = list.since === undefined ? undefined : time(list.since);
  const { status } = session;
  if (status.kind === 'connected') {
    return at === undefined
      ? vscode.l10n.t('Reading the list from the server — showing the last known list.')
      : vscode.l10n.t('Reading the list from the server — showing the list as last known at {0}.', at);
  }
  const offline = at === undefined ? vscode.l10n.t('Offline — showing the last known list.') : vscode.l10n.t('Offline — showing the list as last known at {0}.', at);
  const reason = status.kind === 'disconnected' || status.kind === 'authFailed' ? (status.error ?? session.lastError) : undefined;
  return reason ? `${offline} ${vscode.l10n.t('Not connected: {0}', reason)}` : offline;
}

export class SourcesView implements vscode.Disposable {
  readonly id = Views.sources;
  readonly provider: SourcesTreeProvider;
  readonly #view: vscode.TreeView<import('./sourcesTree').TreeNode>;
  readonly #subscriptions: { dispose(): void }[];

  readonly #service: SourceService;
  readonly #status: () => SessionSnapshot;

  /** `status` is the session's status now; `onStatus` fires when it changes. */
  constructor(service: SourceService, status: () => SessionSnapshot, onStatus: (listener: () => void) => { dispose(): void }) {
    this.#service = service;
    this.#status = status;
    this.provider = new SourcesTreeProvider(service);
    this.#view = vscode.window.createTreeView(Views.sources, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true });
    this.#subscriptions = [service.onDidChange(() => this.#updateMessage()), onStatus(() => this.#updateMessage())];
  }

  #updateMessage(): void {
    const time = (ms: number) => new Date(ms).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
    const message = listMessage(this.#service.state, this.#service.list().length, this.#status(), time);
    if (this.#view.message !== message) this.#view.message = message;
  }

  /** The selected rows (what a command run from the keyboard acts on). */
  selection(): readonly import('./sourcesTree').TreeNode[] {
    return this.#view.selection;
  }

  /** Reveals and selects a source (after opening it). */
  async reveal(sourceId: string): Promise<void> {
    if (!this.#service.get(sourceId)) return;
    await this.#view.reveal(this.provider.sourceNode(sourceId), { select: true, focus: true, expand: false });
  }

  dispose(): void {
    for (const s of this.#subscriptions) s.dispose();
    this.#view.dispose();
    this.provider.dispose();
  }
}
