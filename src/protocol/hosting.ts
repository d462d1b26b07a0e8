// The game-hosting calls of PROTOCOL.md: creating and closing games and
// betting pools. A game provider's own game server makes these; the extension
// never does, so they live outside InstamrktClient and out of its bundle.
// The tests use them to play a game provider against the emulator.
import { InvalidArgumentError } from './errors';
import { InstamrktClient, nonEmptyId } from './client';
import type { ResponseBodies } from './messages';

export interface CreateGameParams {
  source_id: string;
  game_name: string;
  type: string;
  actions: string[];
  targets: string[];
  open_at?: number;
  close_at?: number;
  live_start_at?: number;
  currency?: string;
  hashtag?: string;
  image_url?: string;
}

export interface CreatePoolParams {
  game_id: string;
  description: string;
  action_id: string;
  targets: string[];
  /** 1 parimutuel-event, 2 parimutuel-time, 3 binary-event, 4 binary-time. */
  type: 1 | 2 | 3 | 4;
}

/** An InstamrktClient that can also host games. */
export class HostingClient extends InstamrktClient {
  listGamesIAmAdminOf(): Promise<{ id: string; name: string }[]> {
    return this.request('list_games_i_am_admin_of', {}, ['games_i_am_admin_of_list']).then((m) => m.body.games);
  }

  createAndOpenGame(params: CreateGameParams): Promise<ResponseBodies['game_created_and_opened']> {
    this.checkUsable();
    const source_id = nonEmptyId(params?.source_id, 'The source id');
    if (typeof params.game_name !== 'string' || params.game_name.trim() === '') throw new InvalidArgumentError('A game needs a name.');
    if (!Array.isArray(params.actions) || !Array.isArray(params.targets)) throw new InvalidArgumentError('A game needs lists of actions and targets.');
    return this.request('create_and_open_game', { ...params }, ['game_created_and_opened'], { source_id }).then((m) => m.body);
  }

  closeGame(gameId: string): Promise<void> {
    this.checkUsable();
    const game_id = nonEmptyId(gameId, 'The game id');
    return this.request('close_game', { game_id }, ['game_closed'], { game_id }).then(() => undefined);
  }

  createAndOpenBettingPool(params: CreatePoolParams): Promise<ResponseBodies['betting_pool_created']> {
    this.checkUsable();
    const game_id = nonEmptyId(params?.game_id, 'The game id');
    if (![1, 2, 3, 4].includes(params.type)) throw new InvalidArgumentError('The pool type must be 1, 2, 3 or 4.');
    return this.request('create_and_open_betting_pool', { ...params }, ['betting_pool_created'], { game_id }).then((m) => m.body);
  }
}
