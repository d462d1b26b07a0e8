// The WebSocket calls of PROTOCOL §6–§9: decodes one client frame, checks it,
// runs the op against the state, persists, then sends the reply and any
// broadcasts. Every bad input becomes a 666 with a clear text; nothing a
// client sends can throw out of here.
import { DEFAULT_OPS, DEFAULT_RESPONSES } from '../protocol/codes';
import { isSessionLive } from './accounts';
import { Connection, ConnectionRegistry, envelope } from './connections';
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
import { EmulatorState, GameRecord, PoolType } from './state';
import { StateSaver } from './stateFile';
import { buildTargetTree } from './targets';
import { MAX_DESCRIPTION_LENGTH, MAX_SOURCE_NAME_LENGTH } from '../protocol/limits';

const OP = DEFAULT_OPS;
const OP_NAMES: ReadonlyMap<number, string> = new Map(Object.entries(DEFAULT_OPS).map(([name, code]) => [code, name]));
const R = DEFAULT_RESPONSES;

export interface OpEnvironment {
  state: EmulatorState;
  registry: ConnectionRegistry;
  saver: StateSaver;
  now: () => number;
  log: (line: string) => void;
  /** Op code → ms to hold its reply after the operation took effect (EmulatorOptions.replyDelays). */
  replyDelayMs?: ReadonlyMap<number, number>;
}

interface Delivery {
  to: Connection;
  res: number;
  body: Record<string, unknown>;
}

/** What one request produced: messages in sending order, and whether the state changed. */
interface Outcome {
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
  return { changed, out: [{ to: call.conn, res, body }] };
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

function activeGameEntry(g: GameRecord, now: number): Record<string, unknown> {
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

const POOL_TYPES: readonly number[] = [1, 2, 3, 4];

const handlers = new Map<number, Handler>([
  [OP.ping, (call) => reply(call, R.pong)],
  [OP.get_opcodes, (call) => reply(call, R.opcodes, { opcodes: { ...DEFAULT_OPS }, response_codes: { ...DEFAULT_RESPONSES } })],
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
      out.push({ to: call.conn, res: R.game_source_closed, body: { source_id: sourceId } });
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
        games: games.map((g) => ({
          id: g.id,
          source_id: g.sourceId,
          game_name: g.name,
          currency: g.currency,
          live_start_at: g.liveStartAt ?? g.openAt,
          game_type_id: g.type,
          hashtag: g.hashtag,
        })),
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
      return reply(
        call,
        R.game_created_and_opened,
        {
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
        },
        true,
      );
    },
  ],
  [
    OP.join_game,
    (call) => {
      const gameId = requiredId(call.req, 'game_id');
      const game = joinGame(call.env.state, call.conn.userId, gameId);
      const out: Delivery[] = [{ to: call.conn, res: R.game_joined, body: { game_id: game.id } }];
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
        out.push({ to: call.conn, res: R.game_closed, body: { game_id: gameId } });
      } else {
        out.push({ to: call.conn, res: R.error, body: { text: AWAITING_MANUAL_RESOLUTION } });
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
      const out: Delivery[] = [{ to: call.conn, res: R.betting_pool_created, body: { pool_id: pool.id, game_id: pool.gameId } }];
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

function isObj(v: unknown): v is RequestBody {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

/** Decodes a frame into a request, or the 666 text explaining why it is not one. */
function parseRequest(data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): { op: number; req: RequestBody } | string {
  if (isBinary) return 'Binary frames are not supported; send JSON text.';
  const text = Buffer.isBuffer(data) ? data.toString('utf8') : Array.isArray(data) ? Buffer.concat(data).toString('utf8') : Buffer.from(data).toString('utf8');
  let parsed: unknown;
  try {
    parsed = JSON.parse(text);
  } catch {
    return 'The message is not valid JSON.';
  }
  if (!isObj(parsed)) return 'The message must be a JSON object.';
  const op = parsed.op;
  if (op === undefined || op === null) return 'Field "op" is required.';
  if (typeof op !== 'number' || !Number.isSafeInteger(op)) return 'Field "op" must be an integer.';
  return { op, req: parsed };
}

/** Handles one frame from `conn`; call it from the connection's FIFO queue. */
export async function handleFrame(env: OpEnvironment, conn: Connection, data: Buffer | ArrayBuffer | Buffer[], isBinary: boolean): Promise<void> {
  const now = env.now();
  const error = (text: string) => conn.send(envelope(R.error, { text }, now));
  const parsed = parseRequest(data, isBinary);
  if (typeof parsed === 'string') return error(parsed);
  const handler = handlers.get(parsed.op);
  // The op's name only: parameters may hold what the log must not (a --verbose log is often shared).
  env.log(`user ${conn.userId}: ${OP_NAMES.get(parsed.op) ?? `op ${parsed.op}`}`);
  if (!handler) return error(`Unknown operation ${parsed.op}.`);
  if (!conn.loggedOn && !OPEN_OPS.has(parsed.op)) return error('You must log on first.');
  let outcome: Outcome;
  try {
    outcome = handler({ env, conn, req: parsed.req, now });
  } catch (err) {
    if (err instanceof BadRequest) return error(err.message);
    // A bug of ours must still answer, or the client would wait for a reply that never comes.
    env.log(`internal error on op ${parsed.op}: ${err instanceof Error ? (err.stack ?? err.message) : String(err)}`);
    return error(`The emulator failed to handle operation ${parsed.op}.`);
  }
  if (outcome.changed) await env.saver.save();
  const delay = env.replyDelayMs?.get(parsed.op);
  if (delay) {
    // Unref'd: a held reply must not keep a stopping emulator (or a test process) alive.
    await new Promise<void>((resolve) => setTimeout(resolve, delay).unref());
  }
  const t = env.now();
  for (const d of outcome.out) d.to.send(envelope(d.res, d.body, t));
}
