// The Game Sources TreeView: the provider, multi-select, and the "offline"
// message shown above a stale list.
import vscode = require('vscode');
import { Views } from '../ids';
import type { SourceService } from '../sources/sourceService';
import { SourcesTreeProvider } from './sourcesTree';

export class SourcesView implements vscode.Disposable {
  readonly id = Views.sources;
  readonly provider: SourcesTreeProvider;
  readonly #view: vscode.TreeView<import('./sourcesTree').TreeNode>;
  readonly #subscription: { dispose(): void };

  readonly #service: SourceService;

  constructor(service: SourceService) {
    this.#service = service;
    this.provider = new SourcesTreeProvider(service);
    this.#view = vscode.window.createTreeView(Views.sources, { treeDataProvider: this.provider, canSelectMany: true, showCollapseAll: true });
    this.#subscription = service.onDidChange(() => this.#updateMessage());
  }

  #updateMessage(): void {
    const state = this.#service.state;
    if (state.kind === 'stale' && this.#service.list().length > 0) {
      const since = state.since === undefined ? '' : new Date(state.since).toLocaleTimeString(undefined, { hour: '2-digit', minute: '2-digit' });
      this.#view.message = vscode.l10n.t('Offline since {0} — showing the last known list.', since);
    } else {
      this.#view.message = undefined;
    }
  }

  /** Reveals and selects a source (after opening it). */
  async reveal(sourceId: string): Promise<void> {
    if (!this.#service.get(sourceId)) return;
    await this.#view.reveal(this.provider.sourceNode(sourceId), { select: true, focus: true, expand: false });
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#view.dispose();
    this.provider.dispose();
  }
}
