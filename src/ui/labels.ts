// What a screen reader hears for each tree row and the status item, and the
// words for a game's status: pure functions of the model, with no `vscode`,
// so unit tests check them. One pattern throughout: what it is ("Game source
// …", "Game …", "Instamrkt: …"), then its state in words. The UI passes
// vscode.l10n as `l10n`.
import type { ActiveGame, UpcomingGame } from '../protocol';
import type { SessionSnapshot } from '../sources/status';

export interface L10n {
  t(message: string, ...args: Array<string | number | boolean>): string;
}

/** What a game is called on screen: its name, or its id when it has none. */
export function activeGameLabel(game: ActiveGame): string {
  return game.name || game.game_id;
}

export function upcomingGameLabel(game: UpcomingGame): string {
  return game.game_name || game.id;
}

/** A game's status (PROTOCOL §8) in words; an unknown status as the server sent it. */
export function statusWords(l10n: L10n, status: string): string {
  switch (status) {
    case 'betting_not_yet_active':
      return l10n.t('betting not yet active');
    case 'pre_game_betting_active':
      return l10n.t('pre-game betting');
    case 'game_in_progress_betting_active':
      return l10n.t('in progress, betting');
    case 'game_in_progress_betting_closed':
      return l10n.t('in progress, betting closed');
    case 'game_closed':
      return l10n.t('closed');
    default:
      return status;
  }
}

function plural(l10n: L10n, n: number, one: string, many: string): string {
  return n === 1 ? l10n.t(one) : l10n.t(many, n);
}

export interface SourceRow {
  name: string;
  description: string;
  /** False for the last known list (offline, or not yet read again). */
  live: boolean;
  /** Counts once the games have been read. */
  games?: { active: number; upcoming: number };
}

/** "Game source demo.example, last known list, 2 active games, 1 upcoming game, <description>". */
export function sourceRowLabel(l10n: L10n, row: SourceRow): string {
  const parts = [l10n.t('Game source {0}', row.name)];
  if (!row.live) parts.push(l10n.t('last known list'));
  const g = row.games;
  if (g && g.active + g.upcoming === 0) parts.push(l10n.t('no active or upcoming games'));
  else if (g) parts.push(plural(l10n, g.active, '1 active game', '{0} active games'), plural(l10n, g.upcoming, '1 upcoming game', '{0} upcoming games'));
  if (row.description) parts.push(row.description);
  return parts.join(', ');
}

/** "Game Final, in progress, betting". */
export function activeGameRowLabel(l10n: L10n, game: ActiveGame): string {
  return l10n.t('Game {0}, {1}', activeGameLabel(game), statusWords(l10n, game.status));
}

/** "Game Semi, upcoming, starts <when>"; `when` formats an epoch-ms time for the reader. */
export function upcomingGameRowLabel(l10n: L10n, game: UpcomingGame, when: (epochMs: number) => string): string {
  const name = upcomingGameLabel(game);
  return game.live_start_at === undefined ? l10n.t('Game {0}, upcoming', name) : l10n.t('Game {0}, upcoming, starts {1}', name, when(game.live_start_at));
}

/** The status item's label; `clock` formats an epoch-ms time of day. */
export function connectionLabel(l10n: L10n, s: SessionSnapshot, clock: (epochMs: number) => string): string {
  const st = s.status;
  switch (st.kind) {
    case 'starting':
      return l10n.t('Instamrkt: starting');
    case 'signedOut':
      return l10n.t('Instamrkt: signed out. Click to sign in.');
    case 'connecting':
      return l10n.t('Instamrkt: connecting to {0}', s.serverUrl);
    case 'connected':
      return st.latencyMs === undefined ? l10n.t('Instamrkt: connected') : l10n.t('Instamrkt: connected, latency {0} milliseconds', Math.round(st.latencyMs));
    case 'disconnected':
      return st.nextRetryAt === undefined
        ? l10n.t('Instamrkt: disconnected. Click to connect.')
        : l10n.t('Instamrkt: disconnected, next retry at {0}', clock(st.nextRetryAt));
    case 'authFailed':
      return l10n.t('Instamrkt: authentication failed. Click to sign in again.');
  }
}
