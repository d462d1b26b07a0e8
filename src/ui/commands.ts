// Every command the extension contributes, registered through one wrapper that
// logs and shows errors with their next step. Closing a source goes through
// confirmClose() on every path, a game through confirmCloseGame().
import vscode = require('vscode');
import { Commands } from '../host/ids';
import { ConnectionLostError, RequestTimeoutError, ServerError, errorMessage } from '../protocol';
import { NextSteps } from './notices';
import { askNewSource, confirmClose, type CloseTarget } from './prompts';
import { closeGame, copyGameId } from './gameCommands';
import { pickStatusAction } from './statusBar';
import { activeGameLabel, upcomingGameLabel } from './labels';
import type { TreeNode } from './sourcesTree';
import { loadTestConnection } from './testConnectionLoader';
import type { CommandContext } from './commandContext';

/** How long a success that needs no action stays in the status bar. */
const SUCCESS_SHOWN_MS = 8000;

export function registerCommands(ctx: CommandContext): vscode.Disposable[] {
  const logger = ctx.log.named('commands');
  const register = (id: string, fn: (...args: unknown[]) => unknown): vscode.Disposable =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      logger.debug(`run ${id}`);
      try {
        return await fn(...args);
      } catch (err) {
        // The reporter logs what it shows; the line above names the command.
        ctx.reporter.failure(err);
        return undefined;
      }
    });

  return [
    register(Commands.openSource, () => openSource(ctx)),
    register(Commands.closeSource, (node, nodes) => closeSources(ctx, node, nodes)),
    register(Commands.refresh, () => refresh(ctx)),
    register(Commands.copySourceId, async (node) => {
      const id = sourceIdOf(node);
      if (!id) return;
      await vscode.env.clipboard.writeText(id);
      vscode.window.setStatusBarMessage(vscode.l10n.t('Copied source ID {0}', id), 3000);
    }),
    register(Commands.closeGame, (node) => closeGame(ctx, node)),
    register(Commands.copyGameId, (node) => copyGameId(ctx, node)),
    register(Commands.closeSelected, () => {
      // Delete in the tree: the selected sources if any, else the selected game; the same confirmations.
      const selected = ctx.view.selection();
      const sources = selected.filter((n) => n.kind === 'source');
      return sources.length ? closeSources(ctx, sources[0], sources) : closeGame(ctx, selected.find((n) => n.kind === 'game' || n.kind === 'upcoming'));
    }),
    // The sign-in prompts load on first use (dist/signInFlow.js): nothing needs them at activation.
    register(Commands.signIn, async () => (await import('./signInFlow.js')).signInWithPassword(ctx.session, (text) => ctx.redactor.blankSecrets(text))),
    register(Commands.signInWithSessionKey, async () => (await import('./signInFlow.js')).signInWithSessionKey(ctx.session)),
    register(Commands.signOut, async () => {
      await ctx.session.signOut();
      ctx.service.clear();
      vscode.window.setStatusBarMessage(vscode.l10n.t('Signed out of Instamrkt.'), 3000);
    }),
    register(Commands.connect, () => ctx.session.connect()),
    register(Commands.disconnect, () => ctx.session.disconnect()),
    register(Commands.showLog, () => ctx.log.show()),
    register(Commands.startEmulator, () =>
      vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Starting the local Instamrkt emulator…') }, () =>
        ctx.emulatorMode.use(),
      ),
    ),
    register(Commands.stopEmulator, () => ctx.emulatorMode.leave()),
    register(Commands.statusActions, () => pickStatusAction(ctx.session.snapshot)),
    register(Commands.testConnection, async () =>
      (await loadTestConnection()).testConnection({ store: ctx.store, redactor: ctx.redactor, version: ctx.version, config: ctx.config, session: ctx.session, log: ctx.log.named('test connection') }),
    ),
    register(Commands.copyConnectionReport, async () => (await loadTestConnection()).copyReport()),
  ];
}

function sourceIdOf(node: unknown): string | undefined {
  if (typeof node === 'object' && node !== null && (node as TreeNode).kind === 'source') return (node as TreeNode & { kind: 'source' }).id;
  return undefined;
}

async function openSource(ctx: CommandContext): Promise<void> {
  if (!ctx.session.api) throw new Error(vscode.l10n.t('Connect to Instamrkt before opening a game source.'));
  const input = await askNewSource();
  if (!input) return;
  let id: string;
  try {
    id = await vscode.window.withProgress(
      { location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Opening game source "{0}"…', input.name) },
      () => ctx.service.open(input.name, input.description),
    );
  } catch (err) {
    if (err instanceof ConnectionLostError || err instanceof RequestTimeoutError) {
      throw new Error(vscode.l10n.t('Opening "{0}" may or may not have happened: {1} The list will be re-read from the server.', input.name, err.message));
    }
    throw err;
  }
  // Opened on the server: a tree that cannot reveal it now does not make that a failure.
  await ctx.view.reveal(id).catch((err: unknown) => ctx.log.named('commands').debug(`Could not reveal ${id}: ${errorMessage(err)}`));
  // No toast: a Copy ID button would outlive the source. The row, selected now, has Copy Source ID.
  vscode.window.setStatusBarMessage(vscode.l10n.t('Opened game source "{0}" ({1}).', input.name, id), SUCCESS_SHOWN_MS);
}

/** Tree: (clicked, selection). Palette: nothing, so ask. */
async function closeSources(ctx: CommandContext, node: unknown, nodes: unknown): Promise<void> {
  if (!ctx.session.api) throw new Error(vscode.l10n.t('Connect to Instamrkt before closing a game source.'));
  let ids: string[];
  const clicked = sourceIdOf(node);
  if (Array.isArray(nodes) && nodes.length > 0) {
    ids = nodes.map(sourceIdOf).filter((id): id is string => id !== undefined);
  } else if (clicked) {
    ids = [clicked];
  } else {
    ids = await pickSources(ctx);
  }
  ids = [...new Set(ids)];
  if (ids.length === 0) return;

  const targets = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Window, title: vscode.l10n.t('Reading the games that would be closed…') },
    () =>
      Promise.all(
        ids.map(async (id): Promise<CloseTarget> => {
          const name = ctx.service.get(id)?.info.name ?? id;
          try {
            const g = await ctx.service.loadGames(id);
            return { id, name, active: g.active.map(activeGameLabel), upcoming: g.upcoming.map(upcomingGameLabel) };
          } catch (err) {
            return { id, name, countError: errorMessage(err) };
          }
        }),
      ),
  );
  if (!(await confirmClose(targets, ctx.config.closeConfirmation))) return;

  const result = await vscode.window.withProgress(
    { location: vscode.ProgressLocation.Notification, title: targets.length === 1 ? vscode.l10n.t('Closing "{0}"…', targets[0].name) : vscode.l10n.t('Closing {0} game sources…', targets.length) },
    () => ctx.service.close(ids),
  );
  const names = new Map(targets.map((t) => [t.id, t.name]));
  if (result.closed.length) {
    const closedNames = result.closed.map((id) => `"${names.get(id) ?? id}"`).join(', ');
    vscode.window.setStatusBarMessage(vscode.l10n.t('Closed {0}.', closedNames), SUCCESS_SHOWN_MS);
  }
  for (const f of result.failed) {
    const why =
      f.error instanceof ServerError
        ? vscode.l10n.t('the server refused: {0}', f.error.text)
        : f.error instanceof ConnectionLostError || f.error instanceof RequestTimeoutError
          ? vscode.l10n.t('{0} The list will be re-read from the server.', errorMessage(f.error))
          : errorMessage(f.error);
    ctx.log.named('commands').debug(`close ${f.id} failed: ${errorMessage(f.error)}`);
    ctx.notifier.show({ severity: 'error', message: vscode.l10n.t('Could not close "{0}": {1}', f.name, why), steps: [NextSteps.showLog()] });
  }
}

async function pickSources(ctx: CommandContext): Promise<string[]> {
  const items = ctx.service.list().map((e) => ({ label: e.info.name, description: e.info.id, detail: e.info.description || undefined, id: e.info.id }));
  if (items.length === 0) {
    void vscode.window.showInformationMessage(vscode.l10n.t('You have no open game sources.'));
    return [];
  }
  const picked = await vscode.window.showQuickPick(items, {
    title: vscode.l10n.t('Close Game Source'),
    placeHolder: vscode.l10n.t('Pick the source(s) to close. You will be asked to confirm.'),
    canPickMany: true,
    matchOnDescription: true,
    ignoreFocusOut: true,
  });
  return picked?.map((p) => p.id) ?? [];
}

async function refresh(ctx: CommandContext): Promise<void> {
  if (!ctx.session.api) {
    await ctx.session.connect();
    return;
  }
  await vscode.window.withProgress({ location: { viewId: ctx.view.id } }, () => ctx.service.refresh());
}
