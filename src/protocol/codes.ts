// Operation and response codes by name (PROTOCOL.md §6–§9), and the table a
// client uses at run time: the documented values, refreshed from the server's
// `get_opcodes` reply when it sends one.

/** Request op codes as documented. Op and response codes are separate number spaces. */
export const DEFAULT_OPS = {
  ping: 1,
  get_opcodes: 2,
  logon: 100,
  open_game_source: 365,
  close_game_source: 366,
  create_and_open_game: 370,
  join_game: 363,
  close_game: 375,
  list_games_for_source: 380,
  list_upcoming_games_for_source: 3811,
  create_and_open_betting_pool: 385,
  list_games_i_am_admin_of: 610,
  list_game_sources_i_am_admin_of: 611,
} as const;

/** Response (and broadcast) codes as documented. */
export const DEFAULT_RESPONSES = {
  pong: 1,
  opcodes: 2,
  logon_success: 100,
  logon_fail: 110,
  logon_fail_already_logged_in: 112,
  game_joined: 333,
  game_source_opened: 335,
  game_source_closed: 336,
  game_created_and_opened: 340,
  game_closed: 341,
  games_for_source_list: 345,
  upcoming_games_for_source_list: 3461,
  betting_pool_created: 350,
  betting_pool_opened: 352,
  bet_pool_resolved: 362,
  bet_pool_expired: 363,
  new_game_event: 366,
  bet_pool_blocked: 368,
  user_joined_game: 470,
  games_i_am_admin_of_list: 620,
  game_sources_i_am_admin_of_list: 621,
  error: 666,
} as const;

export type OpName = keyof typeof DEFAULT_OPS;
export type ResName = keyof typeof DEFAULT_RESPONSES;

function invert<K extends string>(table: Record<K, number>): Map<number, K> {
  const out = new Map<number, K>();
  for (const [name, code] of Object.entries(table) as [K, number][]) out.set(code, name);
  return out;
}

function isCode(value: unknown): value is number {
  return typeof value === 'number' && Number.isSafeInteger(value) && value >= 0;
}

/**
 * The codes one connection speaks. Immutable: `withServerTable` returns a new
 * table, so a request already sent keeps the codes it was sent with.
 */
export class CodeTable {
  readonly #resByCode: Map<number, ResName>;

  private constructor(
    readonly ops: Readonly<Record<OpName, number>>,
    readonly responses: Readonly<Record<ResName, number>>,
  ) {
    this.#resByCode = invert(responses);
  }

  static readonly documented = new CodeTable({ ...DEFAULT_OPS }, { ...DEFAULT_RESPONSES });

  op(name: OpName): number {
    return this.ops[name];
  }

  res(name: ResName): number {
    return this.responses[name];
  }

  /** The name of a response code, or undefined for a code this client does not know. */
  resName(code: number): ResName | undefined {
    return this.#resByCode.get(code);
  }

  /**
   * Merges a server's `get_opcodes` tables. Only names this client knows are
   * taken, only with non-negative integer values; anything else keeps the
   * documented value. A server table that would map two known names to one
   * response code is ignored whole, since replies could no longer be told apart.
   */
  withServerTable(opcodes: Record<string, unknown>, responseCodes: Record<string, unknown>): CodeTable {
    const ops = { ...this.ops };
    for (const name of Object.keys(DEFAULT_OPS) as OpName[]) {
      const v = opcodes[name];
      if (isCode(v)) ops[name] = v;
    }
    const responses = { ...this.responses };
    for (const name of Object.keys(DEFAULT_RESPONSES) as ResName[]) {
      const v = responseCodes[name];
      if (isCode(v)) responses[name] = v;
    }
    if (new Set(Object.values(responses)).size !== Object.keys(responses).length) return this;
    if (new Set(Object.values(ops)).size !== Object.keys(ops).length) return this;
    return new CodeTable(ops, responses);
  }
}
