// The WebSocket calls of PROTOCOL §6–§9: checks one decoded request and runs
// it against the state, producing the reply and any broadcasts (in documented
// codes; dispatch.ts persists and sends them). Every bad input becomes a 666
// with a clear text; nothing a client sends can throw out of here.
import { DEFAULT_OPS, DEFAULT_RESPONSES, MAX_DESCRIPTION_LENGTH, MAX_SOURCE_NAME_LENGTH } from '../protocol';
import { isSessionLive } from './accounts';
import { Connection, ConnectionRegistry } from './connections';
import {
  BadRequest,
  RequestBody,
  optionalString,
  optionalTime,
  requiredId,
  requiredInteger,
  requiredName,
  requiredString,
  requiredStringList,
  requiredType,
} from './fields';
import {
  AWAITING_MANUAL_RESOLUTION,
  GameBroadcast,
  adminGames,
  closeGame,
  closeSource,
  createGame,
  createPool,
  gameStatus,
  joinGame,
  listOpenSources,
  openSource,
  sourceGames,
} from './sources';
import { EmulatorState, PoolType } from './state';
import { activeGameEntry, createdGameBody, upcomingGameEntry } from './gameViews';
import { StateSaver } from './stateFile';
import type { ActiveFaults } from './faults';
import { buildTargetTree } from './targets';

const OP = DEFAULT_OPS;
/** Documented op code → its name, for the log. */
export const OP_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(DEFAULT_OPS).map(([name, code]) => [code, name]));
const R = DEFAULT_RESPONSES;

export interface OpEnvironment {
  state: EmulatorState;
  registry: ConnectionRegistry;
  saver: StateSaver;
  now: () => number;
  log: (line: string) => void;
  /** The fault modes in force now (none set: a faithful server). */
  faults: () => ActiveFaults;
}

export interface Delivery {
  to: Connection;
  /** A documented response code; dispatch.ts maps it to the wire's numbering. */
  res: number;
  body: Record<string, unknown>;
  /** This is the answer to the request (exactly one per request); the rest are broadcasts. */
  reply?: true;
}

/** What one request produced: messages in sending order, and whether the state changed. */
export interface Outcome {
  changed: boolean;
  out: Delivery[];
}

interface OpCall {
  env: OpEnvironment;
  conn: Connection;
  req: RequestBody;
  now: number;
}

type Handler = (call: OpCall) => Outcome;

function reply(call: OpCall, res: number, body: Record<string, unknown> = {}, changed = false): Outcome {
  return { changed, out: [{ to: call.conn, res, body, reply: true }] };
}

/** Broadcasts to every logged-on connection of each game's subscribers, optionally sparing one connection. */
function fanOut(call: OpCall, events: GameBroadcast[], except?: Connection): Delivery[] {
  const out: Delivery[] = [];
  for (const e of events) {
    const game = call.env.state.games.get(e.gameId);
    if (!game) continue;
    for (const to of call.env.registry.loggedOnOf(game.subscribers)) if (to !== except) out.push({ to, res: e.res, body: e.body });
  }
  return out;
}

function currentUser(call: OpCall) {
  const user = call.env.state.users.get(call.conn.userId);
  if (!user) throw new BadRequest('Your user no longer exists.');
  return user;
}

const POOL_TYPES: readonly number[] = [1, 2, 3, 4];

const handlers = new Map<number, Handler>([
  [OP.ping, (call) => reply(call, R.pong)],
  [
    OP.get_opcodes,
    (call) => {
      const faults = call.env.faults();
      if (faults.refuseOpcodes) return reply(call, R.error, { text: 'This server does not give out its operation codes.' });
      return reply(call, R.opcodes, faults.codes.table());
    },
  ],
  [
    OP.logon,
    (call) => {
      if (call.conn.loggedOn) return reply(call, R.logon_fail_already_logged_in, { text: 'Already logged on.' });
      if (!isSessionLive(call.env.state, call.conn.sessionKey, call.now)) {
        return reply(call, R.logon_fail, { text: 'Your session has expired or was ended; sign in again.' });
      }
      call.conn.loggedOn = true;
      currentUser(call).lastOnlineAt = call.now;
      return reply(call, R.logon_success, { session_key: call.conn.logonToken }, true);
    },
  ],
  [
    OP.open_game_source,
    (call) => {
      const name = requiredName(call.req, 'source_name', MAX_SOURCE_NAME_LENGTH);
      const description = optionalString(call.req, 'description', MAX_DESCRIPTION_LENGTH) ?? '';
      const source = openSource(call.env.state, currentUser(call), name, description, call.now);
      return reply(call, R.game_source_opened, { source_id: source.id }, true);
    },
  ],
  [
    OP.close_game_source,
    (call) => {
      const sourceId = requiredId(call.req, 'source_id');
      const events = closeSource(call.env.state, call.conn.userId, sourceId, call.now);
      const out = fanOut(call, events);
      out.push({ to: call.conn, res: R.game_source_closed, body: { source_id: sourceId }, reply: true });
      return { changed: true, out };
    },
  ],
  [
    OP.list_game_sources_i_am_admin_of,
    (call) =>
      reply(call, R.game_sources_i_am_admin_of_list, {
        sources: listOpenSources(call.env.state, call.conn.userId).map((s) => ({ id: s.id, name: s.name, description: s.description })),
      }),
  ],
  [
    OP.list_games_for_source,
    (call) => {
      const sourceId = requiredId(call.req, 'source_id');
      const games = sourceGames(call.env.state, call.conn.userId, sourceId).filter((g) => {
        const status = gameStatus(g, call.now);
        return status !== 'game_closed' && status !== 'betting_not_yet_active';
      });
      return reply(call, R.games_for_source_list, { source_id: sourceId, games: games.map((g) => activeGameEntry(g, call.now)) });
    },
  ],
  [
    OP.list_upcoming_games_for_source,
    (call) => {
      const sourceId = requiredId(call.req, 'source_id');
      const games = sourceGames(call.env.state, call.conn.userId, sourceId).filter((g) => gameStatus(g, call.now) === 'betting_not_yet_active');
      return reply(call, R.upcoming_games_for_source_list, {
        source_id: sourceId,
        games: games.map(upcomingGameEntry),
      });
    },
  ],
  [
    OP.list_games_i_am_admin_of,
    (call) => reply(call, R.games_i_am_admin_of_list, { games: adminGames(call.env.state, call.conn.userId).map((g) => ({ id: g.id, name: g.name })) }),
  ],
  [
    OP.create_and_open_game,
    (call) => {
      const req = call.req;
      const sourceId = requiredId(req, 'source_id');
      const name = requiredName(req, 'game_name', 255);
      const type = requiredType(req, 'type');
      const actions = requiredStringList(req, 'actions', { maxItems: 256, maxLength: 255, minItems: 1 });
      const targetNames = requiredStringList(req, 'targets', { maxItems: 1024, maxLength: 255 });
      const tree = buildTargetTree(targetNames);
      if (typeof tree === 'string') throw new BadRequest(tree);
      const game = createGame(
        call.env.state,
        call.conn.userId,
        {
          sourceId,
          name,
          type,
          actions,
          targets: tree,
          openAt: optionalTime(req, 'open_at'),
          closeAt: optionalTime(req, 'close_at'),
          liveStartAt: optionalTime(req, 'live_start_at'),
          currency: optionalString(req, 'currency', 16),
          hashtag: optionalString(req, 'hashtag', 255),
          imageUrl: optionalString(req, 'image_url', 2048),
        },
        call.now,
      );
      return reply(call, R.game_created_and_opened, createdGameBody(game), true);
    },
  ],
  [
    OP.join_game,
    (call) => {
      const gameId = requiredId(call.req, 'game_id');
      const game = joinGame(call.env.state, call.conn.userId, gameId);
      const out: Delivery[] = [{ to: call.conn, res: R.game_joined, body: { game_id: game.id }, reply: true }];
      out.push(...fanOut(call, [{ gameId: game.id, res: R.user_joined_game, body: { game_id: game.id, user_id: String(call.conn.userId) } }], call.conn));
      return { changed: true, out };
    },
  ],
  [
    OP.close_game,
    (call) => {
      const gameId = requiredId(call.req, 'game_id');
      const { closed, events } = closeGame(call.env.state, call.conn.userId, gameId, call.now);
      const out = fanOut(call, events);
      if (closed) {
        // The closer's own copy of 341 is the reply; everyone else gets the broadcast.
        out.push(...fanOut(call, [{ gameId, res: R.game_closed, body: { game_id: gameId } }], call.conn));
        out.push({ to: call.conn, res: R.game_closed, body: { game_id: gameId }, reply: true });
      } else {
        out.push({ to: call.conn, res: R.error, body: { text: AWAITING_MANUAL_RESOLUTION }, reply: true });
      }
      return { changed: true, out };
    },
  ],
  [
    OP.create_and_open_betting_pool,
    (call) => {
      const req = call.req;
      const pool = createPool(
        call.env.state,
        call.conn.userId,
        {
          gameId: requiredId(req, 'game_id'),
          description: requiredString(req, 'description', 512),
          actionId: requiredId(req, 'action_id'),
          targets: requiredStringList(req, 'targets', { maxItems: 1024, maxLength: 128, minItems: 1 }),
          type: requiredInteger(req, 'type', POOL_TYPES) as PoolType,
        },
        call.now,
      );
      const out: Delivery[] = [{ to: call.conn, res: R.betting_pool_created, body: { pool_id: pool.id, game_id: pool.gameId }, reply: true }];
      out.push(
        ...fanOut(call, [
          {
            gameId: pool.gameId,
            res: R.betting_pool_opened,
            body: { pool_id: pool.id, game_id: pool.gameId, description: pool.description, action_id: pool.actionId, targets: pool.targets, type: pool.type },
          },
        ]),
      );
      return { changed: true, out };
    },
  ],
]);

/** Ops a connection may use before logging on. */
const OPEN_OPS: ReadonlySet<number> = new Set([OP.ping, OP.get_opcodes, OP.logon]);

/**
 * Runs one request whose op is a documented code: its reply and broadcasts,
 * or a 666 reply (unknown op, not logged on, bad input, or a bug of ours,
 * which must still answer, or the client would wait for a reply that never comes).
 */
export function runOp(env: OpEnvironment, conn: Connection, op: number, req: RequestBody, now: number): Outcome {
  const handler = handlers.get(op);
  const call: OpCall = { env, conn, req, now };
  if (!handler) return reply(call, R.error, { text: `Unknown operation ${op}.` });
  if (!conn.loggedOn && !OPEN_OPS.has(op)) return reply(call, R.error, { text: 'You must log on first.' });
  try {
    return handler(call);
  } catch (err) {
    if (err instanceof BadRequest) return reply(call, R.error, { text: err.message });
    env.log(`internal error on op ${op}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return reply(call, R.error, { text: `The emulator failed to handle operation ${op}.` });
  }
}
