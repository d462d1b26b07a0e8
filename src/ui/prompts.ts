// Everything the extension asks the user: source name and description inputs,
// the one confirmation every source close goes through, and the modal and
// typed-name steps that closing a game (closeGameFlow.ts) shares.
import vscode = require('vscode');
import { characterCount, MAX_DESCRIPTION_LENGTH, MAX_SOURCE_NAME_LENGTH } from '../protocol';
import type { CloseConfirmation } from '../host/config';
import { namesToType } from './closeStakes';

export function validateSourceName(value: string): string | undefined {
  const name = value.trim();
  if (!name) return vscode.l10n.t('A source name is required.');
  const length = characterCount(name);
  if (length > MAX_SOURCE_NAME_LENGTH) return vscode.l10n.t('The name is {0} characters long; at most {1} are allowed.', length, MAX_SOURCE_NAME_LENGTH);
  return undefined;
}

export function validateDescription(value: string): vscode.InputBoxValidationMessage {
  const length = characterCount(value);
  if (length > MAX_DESCRIPTION_LENGTH) {
    return {
      message: vscode.l10n.t('{0}/{1} characters — {2} too many.', length, MAX_DESCRIPTION_LENGTH, length - MAX_DESCRIPTION_LENGTH),
      severity: vscode.InputBoxValidationSeverity.Error,
    };
  }
  return { message: vscode.l10n.t('{0}/{1} characters (optional)', length, MAX_DESCRIPTION_LENGTH), severity: vscode.InputBoxValidationSeverity.Info };
}

/** Asks for a new source's name and description; undefined if the user cancels either. */
export async function askNewSource(): Promise<{ name: string; description: string | undefined } | undefined> {
  const name = await vscode.window.showInputBox({
    title: vscode.l10n.t('Open Game Source (1/2)'),
    prompt: vscode.l10n.t('Name of the new game source. Your domain is a good choice.'),
    placeHolder: vscode.l10n.t('e.g. games.example.com'),
    ignoreFocusOut: true,
    validateInput: validateSourceName,
  });
  if (name === undefined) return undefined;
  const description = await vscode.window.showInputBox({
    title: vscode.l10n.t('Open Game Source (2/2)'),
    prompt: vscode.l10n.t('Description (optional, at most {0} characters). Press Enter to skip.', MAX_DESCRIPTION_LENGTH),
    ignoreFocusOut: true,
    validateInput: validateDescription,
  });
  if (description === undefined) return undefined;
  return { name: name.trim(), description: description.trim() ? description : undefined };
}

export interface CloseTarget {
  id: string;
  name: string;
  /** Undefined when the games could not be read; `countError` then says why. */
  active?: string[];
  upcoming?: string[];
  countError?: string;
}

function listNames(names: string[], max = 8): string {
  const shown = names.slice(0, max).map((n) => `• ${n}`);
  if (names.length > max) shown.push(vscode.l10n.t('… and {0} more', names.length - max));
  return shown.join('\n');
}

/** "2 active games and 1 upcoming game", leaving out a zero count. */
export function gameCounts(active: number, upcoming: number): string {
  const a = active === 1 ? vscode.l10n.t('1 active game') : vscode.l10n.t('{0} active games', active);
  const u = upcoming === 1 ? vscode.l10n.t('1 upcoming game') : vscode.l10n.t('{0} upcoming games', upcoming);
  if (active > 0 && upcoming > 0) return vscode.l10n.t('{0} and {1}', a, u);
  return active > 0 ? a : u;
}

/** The modal's message and detail. Pure, so tests can check exactly what the user is told. */
export function closeWarning(targets: readonly CloseTarget[]): { message: string; detail: string } {
  const active = targets.reduce((n, t) => n + (t.active?.length ?? 0), 0);
  const upcoming = targets.reduce((n, t) => n + (t.upcoming?.length ?? 0), 0);
  const unknown = targets.filter((t) => t.countError !== undefined);
  const message =
    targets.length === 1
      ? vscode.l10n.t('Close game source "{0}"?', targets[0].name)
      : vscode.l10n.t('Close {0} game sources?', targets.length);
  const parts: string[] = [];
  if (targets.length > 1) parts.push(listNames(targets.map((t) => t.name)));
  const games = [...targets.flatMap((t) => t.active ?? []), ...targets.flatMap((t) => t.upcoming ?? [])];
  if (active + upcoming > 0) {
    parts.push(vscode.l10n.t('This closes {0} and resolves all their betting pools:', gameCounts(active, upcoming)) + '\n' + listNames(games));
  } else if (unknown.length === 0) {
    parts.push(targets.length === 1 ? vscode.l10n.t('It hosts no active or upcoming games.') : vscode.l10n.t('They host no active or upcoming games.'));
  }
  for (const t of unknown) {
    parts.push(vscode.l10n.t('The games of "{0}" could not be read ({1}); every game it hosts will be closed and its pools resolved.', t.name, t.countError ?? ''));
  }
  parts.push(vscode.l10n.t('No more games can be hosted under a closed source. This cannot be undone.'));
  return { message, detail: parts.join('\n\n') };
}

export const CLOSE_BUTTON = (): string => vscode.l10n.t('Close Source');

/**
 * The modal warning with one destructive button; true only if that button
 * was pressed (Escape and Cancel say no). VS Code (checked in 1.139) makes
 * the first item that is not `isCloseAffordance` the primary, focused button
 * and shows a close-affordance item (or its own Cancel) as the Escape button,
 * never first: a default other than the action would need a third button
 * ("Keep" beside "Cancel"). So the action stays the one other button, and
 * where the stakes are live or upcoming games, `auto` and `typeName` also
 * ask for a typed name: Enter alone never closes them.
 */
export async function warn(message: string, detail: string, button: string): Promise<boolean> {
  return (await vscode.window.showWarningMessage(message, { modal: true, detail }, button)) === button;
}

/** An input that confirms only when `name` is typed exactly; Enter on anything else is refused. */
export async function typeToConfirm(name: string, title: string, prompt: string): Promise<boolean> {
  const typed = await vscode.window.showInputBox({
    title,
    prompt,
    placeHolder: name,
    ignoreFocusOut: true,
    validateInput: (v) => (v === name ? undefined : vscode.l10n.t('Type "{0}" exactly to confirm.', name)),
  });
  return typed === name;
}

/**
 * The one confirmation before any close of sources: the modal, then a typed
 * name where the mode asks for one. `typeName`: each source that still hosts
 * games (or whose games could not be read), in turn. `auto`: the same for one
 * source; for several, one name shown in the prompt. `modal`: no typing.
 */
export async function confirmClose(targets: readonly CloseTarget[], mode: CloseConfirmation): Promise<boolean> {
  if (targets.length === 0) return false;
  const { message, detail } = closeWarning(targets);
  if (!(await warn(message, detail, targets.length === 1 ? CLOSE_BUTTON() : vscode.l10n.t('Close {0} Sources', targets.length)))) return false;
  const names = namesToType(targets, mode);
  if (mode === 'auto' && targets.length > 1 && names.length === 1) {
    return typeToConfirm(names[0], vscode.l10n.t('Confirm closing {0} game sources', targets.length), vscode.l10n.t('Type "{0}" to close these {1} sources and all their games.', names[0], targets.length));
  }
  for (const name of names) {
    if (!(await typeToConfirm(name, vscode.l10n.t('Confirm closing "{0}"', name), vscode.l10n.t('Type the source name to close it and all its games.')))) return false;
  }
  return true;
}
