// The "Game Sources" tree: renders SourceService's model. Elements are plain
// data with stable ids (so reveal() and selection survive refreshes); tooltips
// are built only when hovered (resolveTreeItem), which keeps 10,000 rows cheap.
import vscode = require('vscode');
import { ItemContext } from '../host/ids';
import { type ActiveGame, errorMessage, type UpcomingGame } from '../protocol';
import type { SourceEntry, SourceService } from '../sources/sourceService';
import { activeGameLabel, activeGameRowLabel, sourceRowLabel, statusWords, upcomingGameLabel, upcomingGameRowLabel } from './labels';
import { cachedL10n } from './l10nCache';

export { activeGameLabel, upcomingGameLabel } from './labels';

export type TreeNode =
  | { kind: 'source'; id: string }
  | { kind: 'game'; sourceId: string; game: ActiveGame }
  | { kind: 'upcoming'; sourceId: string; game: UpcomingGame }
  | { kind: 'note'; sourceId: string; text: string; error: boolean };

/** The words of every row, built for each of (up to) 10,000 rows on every refresh: see l10nCache.ts. */
const rowL10n = cachedL10n(vscode.l10n);
const SOURCE_ICON = new vscode.ThemeIcon('radio-tower');

const STATUS_ICONS: Record<string, string> = {
  betting_not_yet_active: 'clock',
  pre_game_betting_active: 'play-circle',
  game_in_progress_betting_active: 'pulse',
  game_in_progress_betting_closed: 'lock',
  game_closed: 'circle-slash',
};

export function statusLabel(status: string): string {
  return statusWords(rowL10n, status);
}

export function shortId(id: string): string {
  return id.length > 8 ? id.slice(0, 8) : id;
}

function when(epochMs: number | undefined): string {
  return epochMs === undefined ? '' : new Date(epochMs).toLocaleString(undefined, { dateStyle: 'medium', timeStyle: 'short' });
}

export class SourcesTreeProvider implements vscode.TreeDataProvider<TreeNode>, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<TreeNode | undefined>();
  readonly onDidChangeTreeData = this.#changed.event;
  /** One node object per source id, so VS Code sees the same element across refreshes. */
  readonly #sourceNodes = new Map<string, TreeNode & { kind: 'source' }>();
  readonly #subscription: { dispose(): void };

  readonly #service: SourceService;

  constructor(service: SourceService) {
    this.#service = service;
    this.#subscription = service.onDidChange((e) => {
      if (!e.sourceId) {
        for (const id of this.#sourceNodes.keys()) if (!service.get(id)) this.#sourceNodes.delete(id);
      }
      this.#changed.fire(e.sourceId ? this.#sourceNodes.get(e.sourceId) : undefined);
    });
  }

  sourceNode(id: string): TreeNode & { kind: 'source' } {
    let node = this.#sourceNodes.get(id);
    if (!node) {
      node = { kind: 'source', id };
      this.#sourceNodes.set(id, node);
    }
    return node;
  }

  getChildren(element?: TreeNode): TreeNode[] | Promise<TreeNode[]> {
    if (!element) {
      const list = this.#service.list();
      const out: TreeNode[] = new Array(list.length);
      for (let i = 0; i < list.length; i++) out[i] = this.sourceNode(list[i].info.id);
      return out;
    }
    if (element.kind !== 'source') return [];
    return this.#gameNodes(element.id);
  }

  async #gameNodes(sourceId: string): Promise<TreeNode[]> {
    const entry = this.#service.get(sourceId);
    if (!entry) return [];
    if (this.#service.state.kind !== 'live' && !entry.games) {
      return [{ kind: 'note', sourceId, text: vscode.l10n.t('Games are shown once connected.'), error: false }];
    }
    try {
      const games = await this.#service.games(sourceId);
      const nodes: TreeNode[] = [
        ...games.active.map((game): TreeNode => ({ kind: 'game', sourceId, game })),
        ...games.upcoming.map((game): TreeNode => ({ kind: 'upcoming', sourceId, game })),
      ];
      return nodes.length ? nodes : [{ kind: 'note', sourceId, text: vscode.l10n.t('No active or upcoming games'), error: false }];
    } catch (err) {
      const text = errorMessage(err);
      return [{ kind: 'note', sourceId, text: vscode.l10n.t('Could not load games: {0}', text), error: true }];
    }
  }

  getParent(element: TreeNode): TreeNode | undefined {
    return element.kind === 'source' ? undefined : this.sourceNode(element.sourceId);
  }

  getTreeItem(element: TreeNode): vscode.TreeItem {
    switch (element.kind) {
      case 'source':
        return this.#sourceItem(element.id, this.#service.get(element.id));
      case 'game': {
        const g = element.game;
        const item = new vscode.TreeItem(activeGameLabel(g), vscode.TreeItemCollapsibleState.None);
        item.id = `game:${element.sourceId}:${g.game_id}`;
        item.description = statusLabel(g.status);
        item.iconPath = new vscode.ThemeIcon(STATUS_ICONS[g.status] ?? 'circle-outline');
        item.contextValue = ItemContext.game;
        item.accessibilityInformation = { label: activeGameRowLabel(rowL10n, g) };
        return item;
      }
      case 'upcoming': {
        const g = element.game;
        const item = new vscode.TreeItem(upcomingGameLabel(g), vscode.TreeItemCollapsibleState.None);
        item.id = `upcoming:${element.sourceId}:${g.id}`;
        item.description = g.live_start_at === undefined ? vscode.l10n.t('upcoming') : vscode.l10n.t('upcoming · {0}', when(g.live_start_at));
        item.iconPath = new vscode.ThemeIcon('calendar');
        item.contextValue = ItemContext.upcomingGame;
        item.accessibilityInformation = { label: upcomingGameRowLabel(rowL10n, g, when) };
        return item;
      }
      case 'note': {
        const item = new vscode.TreeItem(element.text, vscode.TreeItemCollapsibleState.None);
        item.id = `note:${element.sourceId}`;
        item.iconPath = new vscode.ThemeIcon(element.error ? 'warning' : 'info');
        item.contextValue = ItemContext.message;
        item.accessibilityInformation = { label: element.text };
        return item;
      }
    }
  }

  #sourceItem(id: string, entry: SourceEntry | undefined): vscode.TreeItem {
    const name = entry?.info.name ?? id;
    const item = new vscode.TreeItem(name, vscode.TreeItemCollapsibleState.Collapsed);
    item.id = `source:${id}`;
    item.description = entry?.info.description || shortId(id);
    item.iconPath = SOURCE_ICON;
    const live = this.#service.state.kind === 'live';
    item.contextValue = live ? ItemContext.source : ItemContext.sourceStale;
    const g = entry?.games;
    item.accessibilityInformation = {
      label: sourceRowLabel(rowL10n, { name, description: entry?.info.description ?? '', live, games: g && { active: g.active.length, upcoming: g.upcoming.length } }),
    };
    return item;
  }

  /** Tooltips are built only when a row is hovered. */
  resolveTreeItem(item: vscode.TreeItem, element: TreeNode): vscode.TreeItem {
    if (element.kind === 'source') {
      const info = this.#service.get(element.id)?.info;
      const md = new vscode.MarkdownString();
      md.appendMarkdown('**');
      md.appendText(info?.name ?? element.id);
      md.appendMarkdown('**\n\n');
      md.appendMarkdown(`${vscode.l10n.t('ID')}: \``);
      md.appendText(element.id);
      md.appendMarkdown('`');
      if (info?.description) {
        md.appendMarkdown('\n\n');
        md.appendText(info.description);
      }
      item.tooltip = md;
    } else if (element.kind === 'game') {
      const g = element.game;
      const lines = [activeGameLabel(g), `${vscode.l10n.t('ID')}: ${g.game_id}`, `${vscode.l10n.t('Status')}: ${statusLabel(g.status)}`];
      if (g.type) lines.push(`${vscode.l10n.t('Type')}: ${g.type}`);
      if (g.open_at !== undefined) lines.push(`${vscode.l10n.t('Opens')}: ${when(g.open_at)}`);
      if (g.close_at !== undefined) lines.push(`${vscode.l10n.t('Closes')}: ${when(g.close_at)}`);
      item.tooltip = lines.join('\n');
    } else if (element.kind === 'upcoming') {
      const g = element.game;
      const lines = [upcomingGameLabel(g), `${vscode.l10n.t('ID')}: ${g.id}`];
      if (g.live_start_at !== undefined) lines.push(`${vscode.l10n.t('Starts')}: ${when(g.live_start_at)}`);
      if (g.currency) lines.push(`${vscode.l10n.t('Currency')}: ${g.currency}`);
      if (g.hashtag) lines.push(`#${g.hashtag.replace(/^#/, '')}`);
      item.tooltip = lines.join('\n');
    }
    return item;
  }

  dispose(): void {
    this.#subscription.dispose();
    this.#changed.dispose();
  }
}
