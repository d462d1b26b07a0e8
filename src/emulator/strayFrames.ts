// Faults --interleave-broadcasts and --malformed-frames: frames of the same
// res code as a reply but for another id, sent just before that reply, as a
// busy real server may send a broadcast for another source or game while a
// request waits. A client that matches replies by code alone takes them for
// its own. Only replies that echo an id have an "other id"; the rest get none.
import { randomUUID } from 'node:crypto';
import { DEFAULT_OPS as OP, DEFAULT_RESPONSES as R } from '../protocol';
import type { ActiveFaults } from './faults';

export interface Frame {
  res: number;
  body: Record<string, unknown>;
}

interface IdEcho {
  res: number;
  field: 'source_id' | 'game_id';
  /** The reply also carries a `games` list (345, 3461). */
  lists: boolean;
}

/** The requests whose success reply echoes the request's id (documented codes). */
const ID_ECHOES: ReadonlyMap<number, IdEcho> = new Map([
  [OP.close_game_source, { res: R.game_source_closed, field: 'source_id', lists: false }],
  [OP.list_games_for_source, { res: R.games_for_source_list, field: 'source_id', lists: true }],
  [OP.list_upcoming_games_for_source, { res: R.upcoming_games_for_source_list, field: 'source_id', lists: true }],
  [OP.join_game, { res: R.game_joined, field: 'game_id', lists: false }],
  [OP.close_game, { res: R.game_closed, field: 'game_id', lists: false }],
]);

function otherId(than: unknown): string {
  let id = randomUUID();
  while (id === than) id = randomUUID();
  return id;
}

/**
 * The frames to send just before `reply` (the answer to `op`): the
 * well-formed one first, then the malformed one. A list reply's stray has an
 * empty, well-typed list or `games: "x"`; an id-only reply's malformed stray
 * carries the other id inside an array where a string belongs.
 */
export function strayFramesBefore(op: number, reply: Frame, faults: ActiveFaults): Frame[] {
  const echo = ID_ECHOES.get(op);
  if (!echo || reply.res !== echo.res) return [];
  const out: Frame[] = [];
  if (faults.interleaveBroadcasts) {
    out.push({ res: echo.res, body: echo.lists ? { [echo.field]: otherId(reply.body[echo.field]), games: [] } : { [echo.field]: otherId(reply.body[echo.field]) } });
  }
  if (faults.malformedFrames) {
    out.push({ res: echo.res, body: echo.lists ? { [echo.field]: otherId(reply.body[echo.field]), games: 'x' } : { [echo.field]: [otherId(reply.body[echo.field])] } });
  }
  return out;
}
