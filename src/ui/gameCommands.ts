// The commands on a game row: Close Game (op 375; the flow itself is loaded
// on first use, see closeGameFlow.ts) and Copy Game ID. Run from the keyboard
// they get no row, and act on the view's selection.
import vscode = require('vscode');
import type { CommandContext } from './commandContext';
import { NextSteps } from './notices';
import { typeToConfirm, warn } from './prompts';
import { activeGameLabel, upcomingGameLabel } from './labels';
import { statusLabel, type TreeNode } from './sourcesTree';

export interface GameRef {
  sourceId: string;
  id: string;
  name: string;
  /** Its status in words. */
  status: string;
}

/** The game a tree node stands for; undefined for anything else. */
export function gameOf(node: unknown): GameRef | undefined {
  const n = node as TreeNode | undefined;
  if (n?.kind === 'game') return { sourceId: n.sourceId, id: n.game.game_id, name: activeGameLabel(n.game), status: statusLabel(n.game.status) };
  if (n?.kind === 'upcoming') return { sourceId: n.sourceId, id: n.game.id, name: upcomingGameLabel(n.game), status: vscode.l10n.t('upcoming') };
  return undefined;
}

/** A row's game, or (from the keyboard) the selected one. */
function target(ctx: CommandContext, node: unknown): GameRef | undefined {
  return gameOf(node) ?? gameOf(ctx.view.selection()[0]);
}

export async function copyGameId(ctx: CommandContext, node: unknown): Promise<void> {
  const game = target(ctx, node);
  if (!game) return;
  await vscode.env.clipboard.writeText(game.id);
  vscode.window.setStatusBarMessage(vscode.l10n.t('Copied game ID {0}', game.id), 3000);
}

export async function closeGame(ctx: CommandContext, node: unknown): Promise<void> {
  const game = target(ctx, node);
  if (!game) return;
  if (!ctx.session.api) throw new Error(vscode.l10n.t('Connect to Instamrkt before closing a game.'));
  const sourceName = ctx.service.get(game.sourceId)?.info.name ?? game.sourceId;
  const log = ctx.log.named('commands');
  const { runCloseGame } = await import('./closeGameFlow.js');
  await runCloseGame({
    name: game.name,
    sourceName,
    status: game.status,
    mode: ctx.config.closeConfirmation,
    warn,
    typeToConfirm,
    close: () => ctx.service.closeGame(game.sourceId, game.id),
    notify: (notice) => ctx.notifier.show(notice),
    log: (line) => log.info(`close game ${game.id}: ${line}`),
    showLog: NextSteps.showLog(),
  });
}
