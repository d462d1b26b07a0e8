// The starting data of a fresh emulator. 'empty': the developer `demo` and
// the plain user `player`. 'demo': the same users, plus one open source of
// `demo` with two active games (one with a time pool and an event pool) and
// one upcoming game, so the extension has something to show at once.
import { NewUser, addUser } from './accounts';
import { createGame, createPool, openSource } from './sources';
import { EmulatorState, GameRecord } from './state';
import { buildTargetTree } from './targets';

export type SeedName = 'demo' | 'empty';

export const DEMO_USER = { username: 'demo', password: 'demo', developer: true, id: 1001 } as const;
export const PLAYER_USER = { username: 'player', password: 'player', developer: false, id: 1002 } as const;

const HOUR = 60 * 60 * 1000;

function targetsOrThrow(names: string[]) {
  const tree = buildTargetTree(names);
  if (typeof tree === 'string') throw new Error(tree);
  return tree;
}

function targetId(game: GameRecord, symbol: string): string {
  const t = game.targets.find((x) => x.symbol === symbol);
  if (!t) throw new Error(`seed: no target ${symbol}`);
  return t.target_id;
}

export function seedState(state: EmulatorState, seed: SeedName, now: number): void {
  addUser(state, { ...DEMO_USER });
  addUser(state, { ...PLAYER_USER });
  if (seed === 'empty') return;

  const demo = state.users.get(DEMO_USER.id);
  if (!demo) throw new Error('seed: demo user missing');
  const source = openSource(state, demo, 'demo.instamrkt.local', 'Demo games of the local Instamrkt emulator.', now);

  const final = createGame(
    state,
    demo.id,
    {
      sourceId: source.id,
      name: 'Cup final: Argentina vs Brazil',
      type: 'football',
      actions: ['Goal', 'Corner'],
      targets: targetsOrThrow(['Argentina:1', 'Argentina:2', 'Brazil:1', 'Brazil:2']),
      openAt: now - HOUR,
      liveStartAt: now - HOUR / 2,
      closeAt: now + 2 * HOUR,
      currency: 'USD',
      hashtag: '#cupfinal',
    },
    now,
  );
  createPool(
    state,
    demo.id,
    { gameId: final.id, description: 'Next goal within 10 minutes', actionId: final.actions[0].action_id, targets: [targetId(final, 'Argentina'), targetId(final, 'Brazil')], type: 2 },
    now,
  );
  createPool(
    state,
    demo.id,
    { gameId: final.id, description: 'Who scores first', actionId: final.actions[0].action_id, targets: [targetId(final, 'Argentina'), targetId(final, 'Brazil')], type: 1 },
    now,
  );

  createGame(
    state,
    demo.id,
    {
      sourceId: source.id,
      name: 'Chess blitz: round 3',
      type: 'chess',
      actions: ['Checkmate'],
      targets: targetsOrThrow(['White', 'Black', 'Draw']),
      openAt: now - HOUR,
      liveStartAt: now + HOUR,
      closeAt: now + 3 * HOUR,
      currency: 'USD',
      hashtag: '#blitz3',
    },
    now,
  );

  createGame(
    state,
    demo.id,
    {
      sourceId: source.id,
      name: 'Tennis: semi-final',
      type: 'tennis',
      actions: ['Set won'],
      targets: targetsOrThrow(['Player A', 'Player B']),
      openAt: now + 24 * HOUR,
      liveStartAt: now + 25 * HOUR,
      closeAt: now + 28 * HOUR,
      currency: 'USD',
      hashtag: '#semi',
    },
    now,
  );
}

export function addExtraUsers(state: EmulatorState, users: readonly NewUser[]): void {
  for (const u of users) addUser(state, u);
}
