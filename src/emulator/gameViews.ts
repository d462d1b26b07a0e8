// How a game looks on the wire (PROTOCOL §8): the entries of 345 and 3461
// and the body of 340, built from a stored game.
import { gameStatus } from './sources';
import { GameRecord } from './state';

/** One entry of 345 (list_games_for_source). */
export function activeGameEntry(g: GameRecord, now: number): Record<string, unknown> {
  return {
    game_id: g.id,
    status: gameStatus(g, now),
    name: g.name,
    type: g.type,
    open_at: g.openAt,
    close_at: g.closeAt,
    actions: g.actions,
    targets: g.targets,
  };
}

/** One entry of 3461 (list_upcoming_games_for_source); `live_start_at` falls back to `open_at`. */
export function upcomingGameEntry(g: GameRecord): Record<string, unknown> {
  return {
    id: g.id,
    source_id: g.sourceId,
    game_name: g.name,
    currency: g.currency,
    live_start_at: g.liveStartAt ?? g.openAt,
    game_type_id: g.type,
    hashtag: g.hashtag,
  };
}

/** The body of 340 (game_created_and_opened). */
export function createdGameBody(game: GameRecord): Record<string, unknown> {
  return {
    source_id: game.sourceId,
    game_id: game.id,
    game_name: game.name,
    type: game.type,
    actions: game.actions,
    targets: game.targets,
    open_at: game.openAt,
    close_at: game.closeAt,
    live_start_at: game.liveStartAt,
    currency: game.currency,
    hashtag: game.hashtag,
    image_url: game.imageUrl,
  };
}
