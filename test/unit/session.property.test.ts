// Property-based tests (fast-check) of the account/connection lifecycle
// (issue 8, part C). The real-socket property runs any sequence of sign-in
// (good or bad password, or a pasted key), sign-out, connect, disconnect, a
// settings change, a reload, another window's sign-out and a dropped
// connection against the real emulator (with or without a slow logon), while
// fc.scheduler() decides when each REST answer and each store read or write
// comes back. Network timing itself is not under its control, so a seed
// replays the choices, not every microsecond. Seeded (FC_SEED overrides),
// shrinking.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { startEmulator } from '../../src/emulator/server';
import { InstamrktError } from '../../src/protocol/errors';
import { RestClient } from '../../src/protocol/rest';
import { Lifecycle, SupersededError, type IntentKind } from '../../src/sources/lifecycle';
import { Session, type Account, type RestApi } from '../../src/sources/session';
import type { Emulator } from './support/emulatorClients';
import { MemoryStore, quietLogger } from './support/sessionKit';

const SEED = process.env.FC_SEED === undefined ? 42 : Number(process.env.FC_SEED);
const ALICE = { username: 'alice', password: 'alice-Pa55word-xyz', developer: true };

type Action =
  | { kind: 'signIn'; user: 'demo' | 'alice'; good: boolean }
  | { kind: 'signInWithKey'; good: boolean }
  | { kind: 'signOut' | 'connect' | 'disconnect' | 'reconfigure' | 'reload' | 'drop' | 'elsewhereSignsOut' };

const simple = (kind: 'signOut' | 'connect' | 'disconnect' | 'reconfigure' | 'reload' | 'drop' | 'elsewhereSignsOut'): fc.Arbitrary<Action> => fc.constant({ kind });
const actionArb: fc.Arbitrary<Action> = fc.oneof(
  { arbitrary: fc.record({ kind: fc.constant('signIn' as const), user: fc.constantFrom('demo' as const, 'alice' as const), good: fc.boolean() }), weight: 4 },
  { arbitrary: fc.record({ kind: fc.constant('signInWithKey' as const), good: fc.boolean() }), weight: 2 },
  { arbitrary: simple('signOut'), weight: 3 },
  { arbitrary: simple('connect'), weight: 2 },
  { arbitrary: simple('disconnect'), weight: 2 },
  { arbitrary: simple('reconfigure'), weight: 1 },
  { arbitrary: simple('reload'), weight: 2 },
  { arbitrary: simple('drop'), weight: 2 },
  { arbitrary: simple('elsewhereSignsOut'), weight: 2 },
);

/** Before an action: let everything in flight finish, or release only this many held answers. */
const pauseArb: fc.Arbitrary<'settle' | number> = fc.oneof(fc.constant('settle' as const), fc.integer({ min: 0, max: 3 }));

const PASSWORDS = { demo: 'demo', alice: ALICE.password };
const SIGN_INS: ReadonlySet<Action['kind']> = new Set(['signIn', 'signInWithKey']);

/**
 * A store whose reads and write completions come back when the scheduler says
 * (a write's effect is immediate, as SecretStorage's is to this window), and
 * which echoes each of this window's writes as a change event, later, as
 * VS Code does.
 */
class ScheduledStore extends MemoryStore {
  onChange: (serverUrl: string) => void = () => undefined;
  constructor(readonly s: fc.Scheduler) {
    super();
  }
  override async get(serverUrl: string): Promise<Account | undefined> {
    await this.s.schedule(Promise.resolve(), 'store.get');
    return super.get(serverUrl);
  }
  override async set(serverUrl: string, account: Account): Promise<void> {
    const done = super.set(serverUrl, account);
    this.#echo(serverUrl);
    await this.s.schedule(done, 'store.set');
  }
  override async delete(serverUrl: string): Promise<void> {
    const done = super.delete(serverUrl);
    this.#echo(serverUrl);
    await this.s.schedule(done, 'store.delete');
  }
  #echo(serverUrl: string): void {
    void this.s.schedule(Promise.resolve(), 'store.changed').then(() => this.onChange(serverUrl));
  }
}

interface Outcome {
  action: Action;
  /** Which sign-in (by action index) a REST login was made for. */
  index: number;
  settled: boolean;
  error?: unknown;
  /** Whether another window's sign-out found an account to delete. */
  removed?: boolean;
}

async function pollUntil(condition: () => boolean, s: fc.Scheduler, what: string): Promise<void> {
  const deadline = Date.now() + 5000;
  while (!condition()) {
    if (Date.now() > deadline) throw new Error(`Timed out waiting for ${what}`);
    // Release whatever the scheduler holds (a renewal's login, a read); otherwise give the network a moment.
    if (s.count() > 0) await s.waitNext(1);
    else await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

describe('Session lifecycle properties (fast-check)', () => {
  it('under any interleaving: a sign-out that no sign-in followed leaves nothing stored or open, a superseded sign-in stores nothing, and the shown status is the real one', async function () {
    this.timeout(120_000);
    await fc.assert(
      fc.asyncProperty(fc.scheduler(), fc.array(fc.tuple(actionArb, pauseArb), { minLength: 1, maxLength: 7 }), fc.boolean(), async (s, steps, slowLogon) => {
        const actions = steps.map(([action]) => action);
        const pauses = steps.map(([, pause]) => pause);
        const emulator: Emulator = await startEmulator({ port: 0, seed: 'demo', users: [ALICE], replyDelays: slowLogon ? { logon: 15 } : {} });
        const store = new ScheduledStore(s);
        const endpoints = { serverUrl: emulator.wsUrl, restUrl: emulator.url, requestTimeoutMs: 5000, keepAliveMs: 0 };
        const pasted = await new RestClient(emulator.url).login('demo', 'demo');
        /** Session key issued by REST, per sign-in action index. */
        const issued = new Map<number, string>();
        let tag: number | undefined;
        const rest = (restUrl: string): RestApi => {
          const real = new RestClient(restUrl);
          const mine = tag;
          return {
            login: async (u, p) => {
              // Settled first, so a refused login is not an unhandled rejection while the scheduler holds it.
              const settled = real.login(u, p).then(
                (value) => ({ value }),
                (error: unknown) => ({ error }),
              );
              const answer = await s.schedule(settled, `login ${u}`);
              if ('error' in answer) throw answer.error;
              const result = answer.value;
              if (mine !== undefined) issued.set(mine, result.sessionKey);
              return result;
            },
            logout: (key) => real.logout(key),
          };
        };
        const violations: string[] = [];
        const sessions: Session[] = [];
        const makeSession = (): Session => {
          const session = new Session({ store, endpoints: () => endpoints, rest, logger: quietLogger, reconnect: { initialDelayMs: 5, maxDelayMs: 20, jitter: 0 } });
          // At every published instant: "connected" only while the client is.
          session.onDidChange((snap) => {
            if (snap.status.kind === 'connected' && session.api?.state !== 'connected') violations.push('published "connected" while the client is not');
          });
          sessions.push(session);
          return session;
        };
        let session = makeSession();
        store.onChange = (url) => void session.accountChangedElsewhere(url);
        const outcomes: Outcome[] = actions.map((action, index) => ({ action, index, settled: false }));
        const run = (action: Action, index: number): Promise<unknown> => {
          switch (action.kind) {
            case 'signIn':
              return session.signIn(action.user, action.good ? PASSWORDS[action.user] : 'wrong');
            case 'signInWithKey':
              return session.signInWithSessionKey(pasted.userId, action.good ? pasted.sessionKey : 'k'.repeat(48));
            case 'signOut':
              return session.signOut();
            case 'connect':
              return session.connect();
            case 'disconnect':
              return Promise.resolve(session.disconnect());
            case 'reconfigure':
              return session.reconfigure(true);
            case 'reload':
              session.dispose();
              session = makeSession();
              return session.start(true);
            case 'drop':
              return Promise.resolve(emulator.dropConnections());
            case 'elsewhereSignsOut': {
              // Another window deletes the account and this window is told at once.
              const outcome = outcomes[index];
              if (outcome) outcome.removed = store.data.delete(emulator.wsUrl);
              return session.accountChangedElsewhere(emulator.wsUrl);
            }
          }
        };
        try {
          await s.waitFor(session.start(true));
          // Each action starts in order. Before it, either everything still in flight is let finish
          // (a user who waits), or only the next 0 to 3 held answers, in an order the scheduler picks.
          const finished: Promise<void>[] = [];
          for (const outcome of outcomes) {
            const pause = pauses[outcome.index] ?? 0;
            if (pause === 'settle') await s.waitFor(Promise.all(finished));
            else await s.waitNext(Math.min(pause, s.count()));
            tag = SIGN_INS.has(outcome.action.kind) ? outcome.index : undefined;
            const p = run(outcome.action, outcome.index);
            tag = undefined;
            finished.push(
              p.then(
                () => void (outcome.settled = true),
                (error: unknown) => void Object.assign(outcome, { settled: true, error }),
              ),
            );
          }
          await s.waitFor(Promise.all(finished));

          // Quiescence: no attempt under way, no retry due.
          const settledStatus = (): boolean => {
            const st = session.snapshot.status;
            return st.kind === 'signedOut' || st.kind === 'connected' || st.kind === 'authFailed' || (st.kind === 'disconnected' && st.nextRetryAt === undefined);
          };
          await pollUntil(settledStatus, s, 'a settled status');
          const snap = session.snapshot;
          await pollUntil(() => emulator.connectionCount() === (snap.status.kind === 'connected' ? 1 : 0), s, `the server to see ${snap.status.kind === 'connected' ? 'one socket' : 'no socket'} of ours`);
          const stored = store.data.get(emulator.wsUrl);

          // Every failure is a typed outcome, never an internal error.
          for (const o of outcomes) {
            if (o.error !== undefined && !(o.error instanceof SupersededError) && !(o.error instanceof InstamrktError)) violations.push(`action ${o.index} failed with ${String(o.error)}`);
          }
          // A superseded sign-in stores nothing.
          for (const o of outcomes) {
            const key = issued.get(o.index);
            if (o.error instanceof SupersededError && key && store.ops.some((op) => op.op === 'set' && op.account.sessionKey === key)) violations.push(`superseded sign-in ${o.index} stored its key`);
          }
          // A sign-out that completed, with no sign-in started after it: nothing stored, nothing open, signed out.
          let lastSignOut = -1;
          for (const o of outcomes) if ((o.action.kind === 'signOut' && o.settled && o.error === undefined) || o.removed) lastSignOut = o.index;
          if (lastSignOut >= 0 && !outcomes.slice(lastSignOut + 1).some((o) => SIGN_INS.has(o.action.kind))) {
            if (stored) violations.push(`signed out at ${lastSignOut}, yet an account is stored`);
            if (snap.status.kind !== 'signedOut') violations.push(`signed out at ${lastSignOut}, yet the status is ${snap.status.kind}`);
          }
          // The shown status is the real state.
          if (snap.status.kind === 'connected' && session.api?.state !== 'connected') violations.push('status connected, client not');
          if (snap.status.kind === 'signedOut' && (stored || session.isSignedIn)) violations.push('status signedOut, yet an account is held or stored');
          if (stored && snap.userId !== stored.userId) violations.push(`an account is stored (${stored.userId}) but the status shows ${snap.userId ?? 'nobody'}`);
          assert.deepEqual(violations, [], `${s.report().length} scheduled steps; actions ${JSON.stringify(actions)}`);
        } finally {
          for (const x of sessions) x.dispose();
          await emulator.close();
        }
      }),
      { seed: SEED, numRuns: Number(process.env.FC_RUNS ?? 100) },
    );
  });

  it('the lifecycle: only the latest intent is current; each earlier one is superseded by the next, and nothing begins after dispose', () => {
    const kinds: IntentKind[] = ['start', 'signIn', 'signOut', 'connect', 'disconnect', 'reconfigure', 'followElsewhere', 'dispose'];
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...kinds), { maxLength: 30 }), (sequence) => {
        const lifecycle = new Lifecycle();
        const intents = sequence.map((kind) => lifecycle.begin(kind));
        const disposedAt = sequence.indexOf('dispose');
        intents.forEach((intent, i) => {
          const expectCurrent = disposedAt >= 0 ? i === disposedAt : i === intents.length - 1;
          assert.equal(intent.current, expectCurrent, `intent ${i} (${intent.kind})`);
          if (expectCurrent) return assert.doesNotThrow(() => intent.check());
          const by = disposedAt >= 0 && i > disposedAt ? 'dispose' : sequence[i + 1];
          assert.throws(() => intent.check(), (err: unknown) => err instanceof SupersededError && err.by === by);
        });
      }),
      { seed: SEED, numRuns: 300 },
    );
  });
});
