// The accessible labels of the tree rows and the status item (src/ui/labels.ts):
// what a screen reader says, for every state, in one consistent pattern.
import * as assert from 'node:assert/strict';
import type { ActiveGame, UpcomingGame } from '../../src/protocol/messages';
import type { ConnectionStatus, SessionSnapshot } from '../../src/sources/status';
import { activeGameRowLabel, connectionLabel, sourceRowLabel, statusWords, upcomingGameRowLabel, type L10n } from '../../src/ui/labels';

/** vscode.l10n.t with no translation loaded: the message with {n} filled in. */
const l10n: L10n = { t: (message, ...args) => message.replace(/\{(\d+)\}/g, (_, i: string) => String(args[Number(i)])) };

const game = (over: Partial<ActiveGame>): ActiveGame => ({ game_id: 'g-1', status: 'game_in_progress_betting_active', name: 'Final', type: 'football', actions: [], targets: [], ...over }) as ActiveGame;
const upcoming = (over: Partial<UpcomingGame>): UpcomingGame => ({ id: 'u-1', source_id: 's', game_name: 'Semi', ...over }) as UpcomingGame;
const snapshot = (status: ConnectionStatus): SessionSnapshot => ({ status, serverUrl: 'wss://example.test:9999', username: 'demo', userId: '1', lastError: undefined, usingEmulator: false });

describe('accessible labels', () => {
  describe('game source rows', () => {
    it('say what the row is and its name; a live list with unread games says no more', () => {
      assert.equal(sourceRowLabel(l10n, { name: 'demo.example', description: '', live: true }), 'Game source demo.example');
    });

    it('say when the list is the last known one, not the server\'s', () => {
      assert.equal(sourceRowLabel(l10n, { name: 'demo.example', description: '', live: false }), 'Game source demo.example, last known list');
    });

    it('count the games once read, with plurals, and end with the description', () => {
      assert.equal(
        sourceRowLabel(l10n, { name: 'a.example', description: 'Our games', live: true, games: { active: 2, upcoming: 1 } }),
        'Game source a.example, 2 active games, 1 upcoming game, Our games',
      );
      assert.equal(sourceRowLabel(l10n, { name: 'a.example', description: '', live: true, games: { active: 1, upcoming: 0 } }), 'Game source a.example, 1 active game, 0 upcoming games');
      assert.equal(sourceRowLabel(l10n, { name: 'a.example', description: '', live: true, games: { active: 0, upcoming: 0 } }), 'Game source a.example, no active or upcoming games');
    });
  });

  describe('game rows', () => {
    it('name the game and its status in words', () => {
      assert.equal(activeGameRowLabel(l10n, game({})), 'Game Final, in progress, betting');
      assert.equal(activeGameRowLabel(l10n, game({ status: 'game_in_progress_betting_closed' })), 'Game Final, in progress, betting closed');
      assert.equal(activeGameRowLabel(l10n, game({ status: 'pre_game_betting_active' })), 'Game Final, pre-game betting');
    });

    it('fall back to the id for a game without a name, and to the server\'s word for an unknown status', () => {
      assert.equal(activeGameRowLabel(l10n, game({ name: '', status: 'paused' })), 'Game g-1, paused');
    });

    it('say an upcoming game is upcoming, and when it starts when known', () => {
      assert.equal(upcomingGameRowLabel(l10n, upcoming({}), () => 'never'), 'Game Semi, upcoming');
      assert.equal(upcomingGameRowLabel(l10n, upcoming({ live_start_at: 5 }), (ms) => `at ${ms}`), 'Game Semi, upcoming, starts at 5');
      assert.equal(upcomingGameRowLabel(l10n, upcoming({ game_name: '' }), () => ''), 'Game u-1, upcoming');
    });

    it('have words for every documented status', () => {
      const words = ['betting_not_yet_active', 'pre_game_betting_active', 'game_in_progress_betting_active', 'game_in_progress_betting_closed', 'game_closed'].map((s) => statusWords(l10n, s));
      assert.deepEqual(words, ['betting not yet active', 'pre-game betting', 'in progress, betting', 'in progress, betting closed', 'closed']);
    });
  });

  describe('the status item', () => {
    const clock = (ms: number) => `T${ms}`;
    it('says the connection state in words, with the next step where there is one', () => {
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'starting' }), clock), 'Instamrkt: starting');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'signedOut' }), clock), 'Instamrkt: signed out. Click to sign in.');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'connecting' }), clock), 'Instamrkt: connecting to wss://example.test:9999');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'connected', latencyMs: undefined }), clock), 'Instamrkt: connected');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'connected', latencyMs: 12.6 }), clock), 'Instamrkt: connected, latency 13 milliseconds');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'disconnected', nextRetryAt: 7, error: 'x' }), clock), 'Instamrkt: disconnected, next retry at T7');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'disconnected', nextRetryAt: undefined, error: 'x' }), clock), 'Instamrkt: disconnected. Click to connect.');
      assert.equal(connectionLabel(l10n, snapshot({ kind: 'authFailed', error: 'x' }), clock), 'Instamrkt: authentication failed. Click to sign in again.');
    });
  });
});
