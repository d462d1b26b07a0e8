// Property over the real client and the scripted server (real sockets): with
// requests in flight, whatever the server interleaves (replies, 666s and
// malformed replies, in order; broadcasts of the same codes for other ids;
// junk frames; dropped connections), every call settles with its own reply or
// the typed error its answer called for, broadcasts arrive as events and junk
// as protocol errors. Seeded (FC_SEED), shrinking, a few seconds.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import WebSocket from 'ws';
import { ConnectionLostError, ProtocolError, ServerError } from '../../src/protocol/errors';
import { HostingClient } from '../fixtures/hostingClient';
import { ReceivedRequest, ScriptedServer, send, startScriptedServer } from './support/scriptedServer';
import { ScriptedClients } from './support/scriptedClients';
import { nextEvent } from './support/wait';

const SEED = Number(process.env.FC_SEED ?? 42);

type Body = Record<string, unknown>;
interface Template {
  res: number;
  call(client: HostingClient, id: string): Promise<unknown>;
  reply(id: string, marker: string): Body;
  /** What the call resolves with, for the reply carrying `marker`. */
  value(id: string, marker: string): unknown;
  malformed?(id: string): Body;
}

const TEMPLATES: Template[] = [
  { res: 335, call: (c) => c.openGameSource('n.example'), reply: (_, m) => ({ source_id: m }), value: (_, m) => m, malformed: () => ({ source_id: 1.5 }) },
  { res: 621, call: (c) => c.listGameSources(), reply: (_, m) => ({ sources: [{ id: m, name: 'n' }] }), value: (_, m) => [{ id: m, name: 'n', description: '' }], malformed: () => ({ sources: 'x' }) },
  {
    res: 345,
    call: (c, id) => c.listGamesForSource(id).then((g) => g.map((x) => x.game_id)),
    reply: (id, m) => ({ source_id: id, games: [{ game_id: m, status: 's' }] }),
    value: (_, m) => [m],
    malformed: (id) => ({ source_id: id, games: 'x' }),
  },
  {
    res: 3461,
    call: (c, id) => c.listUpcomingGamesForSource(id).then((g) => g.map((x) => x.id)),
    reply: (id, m) => ({ source_id: id, games: [{ id: m, source_id: id }] }),
    value: (_, m) => [m],
    malformed: (id) => ({ source_id: id, games: [{ id: 5.5 }] }),
  },
  { res: 336, call: (c, id) => c.closeGameSource(id), reply: (id) => ({ source_id: id }), value: () => undefined },
  { res: 341, call: (c, id) => c.closeGame(id), reply: (id) => ({ game_id: id }), value: () => undefined },
  { res: 1, call: (c) => c.ping().then(() => 'pong'), reply: () => ({}), value: () => 'pong' },
];
const IDS = ['A', 'B'];
const OTHER_IDS = ['X', 'Y'];
const BROADCASTS: [number, (id: string) => Body][] = [
  [345, (id) => ({ source_id: id, games: [] })],
  [3461, (id) => ({ source_id: id, games: [] })],
  [336, (id) => ({ source_id: id })],
  [341, (id) => ({ game_id: id })],
  [470, (id) => ({ game_id: id })],
];
const JUNK: ((s: WebSocket, id: string) => void)[] = [
  (s, id) => send(s, 345, { source_id: id, games: 'x' }),
  (s, id) => send(s, 3461, { source_id: id, games: 'x' }),
  (s) => s.send('{"res":345, "source_id"'),
  (s) => s.send('{"res":"1"}'),
];

type Action =
  | { t: 'send'; template: number; id: number }
  | { t: 'answer'; kind: 'reply' | '666' | 'malformed' }
  | { t: 'broadcast'; which: number; other: number }
  | { t: 'junk'; which: number; other: number }
  | { t: 'drop' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 5, arbitrary: fc.record({ t: fc.constant('send' as const), template: fc.nat(TEMPLATES.length - 1), id: fc.nat(IDS.length - 1) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('answer' as const), kind: fc.constantFrom('reply' as const, '666' as const, 'malformed' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('broadcast' as const), which: fc.nat(BROADCASTS.length - 1), other: fc.nat(OTHER_IDS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('junk' as const), which: fc.nat(JUNK.length - 1), other: fc.nat(OTHER_IDS.length - 1) }) },
  { weight: 1, arbitrary: fc.constant({ t: 'drop' as const }) },
);

interface Call {
  n: number;
  template: Template;
  id: string;
  outcome: Promise<{ ok: true; value: unknown } | { ok: false; error: unknown }>;
  /** What the server did with it. */
  expect?: { kind: 'reply' | '666' | 'malformed' | 'lost'; marker: string };
}

describe('InstamrktClient (property, scripted server)', () => {
  let server: ScriptedServer;
  const clients = new ScriptedClients(() => server);
  /** Requests of the current connection the server has not answered, in order, with the call each belongs to. */
  let inbox: { request: ReceivedRequest; socket: WebSocket }[] = [];
  let arrived: () => void = () => undefined;

  before(async () => {
    server = await startScriptedServer();
    server.handler = (request, socket) => {
      if (request.op === 100 || request.op === 2) return false;
      inbox.push({ request, socket });
      arrived();
      return true;
    };
  });

  after(async () => {
    const leaks = clients.disposeAll();
    await server.close();
    assert.deepEqual(leaks, [], 'log lines of the clients that hold a secret or a digest');
  });

  async function run(actions: Action[]): Promise<void> {
    inbox = [];
    const client = clients.make({ requestTimeoutMs: 60_000, reconnect: { initialDelayMs: 1, maxDelayMs: 1, jitter: 0 } });
    const events: string[] = [];
    const protocolErrors: ProtocolError[] = [];
    const idOf = (body: object): unknown => (body as Body).source_id ?? (body as Body).game_id;
    client.onEvent((e) => events.push(`${e.res} ${String(idOf(e.body))}`));
    client.onProtocolError((e) => protocolErrors.push(e));
    await client.connect();
    const calls: Call[] = [];
    const owner = new Map<ReceivedRequest, Call>();
    const broadcasts: string[] = [];
    let malformedAnswers = 0;
    let junk = 0;
    const socket = (): WebSocket => server.connections.get(server.accepted) as WebSocket;

    const answer = async (kind: 'reply' | '666' | 'malformed'): Promise<void> => {
      const next = inbox.shift();
      if (!next) return;
      const call = owner.get(next.request) as Call;
      const effective = kind === 'malformed' && !call.template.malformed ? '666' : kind;
      const marker = `m${call.n}`;
      call.expect = { kind: effective, marker };
      if (effective === 'reply') send(next.socket, call.template.res, call.template.reply(call.id, marker));
      else if (effective === '666') send(next.socket, 666, { text: marker });
      else {
        malformedAnswers++;
        send(next.socket, call.template.res, (call.template.malformed as (id: string) => Body)(call.id));
      }
      await call.outcome;
    };

    for (const a of actions) {
      if (a.t === 'send') {
        const template = TEMPLATES[a.template];
        const came = new Promise<void>((resolve) => (arrived = resolve));
        const call: Call = { n: calls.length, template, id: IDS[a.id], outcome: Promise.resolve({ ok: true, value: undefined }) };
        call.outcome = template.call(client, call.id).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
        calls.push(call);
        await came;
        owner.set(inbox[inbox.length - 1].request, call);
      } else if (a.t === 'answer') {
        await answer(a.kind);
      } else if (a.t === 'broadcast') {
        const [res, body] = BROADCASTS[a.which];
        const got = nextEvent(client.onEvent, () => true, 'a broadcast');
        broadcasts.push(`${res} ${OTHER_IDS[a.other]}`);
        send(socket(), res, body(OTHER_IDS[a.other]));
        await got;
      } else if (a.t === 'junk') {
        const got = nextEvent(client.onProtocolError, () => true, 'junk to be reported');
        junk++;
        JUNK[a.which](socket(), OTHER_IDS[a.other]);
        await got;
      } else {
        const back = nextEvent(client.onDidChangeState, (e) => e.state === 'connected', 'the reconnect');
        for (const { request } of inbox) (owner.get(request) as Call).expect = { kind: 'lost', marker: '' };
        inbox = [];
        server.dropAll();
        await back;
      }
    }
    while (inbox.length > 0) await answer('reply');

    for (const call of calls) {
      const outcome = await call.outcome;
      const expect = call.expect;
      assert.ok(expect, `call ${call.n} was never answered`);
      if (expect.kind === 'reply') assert.deepEqual(outcome, { ok: true, value: call.template.value(call.id, expect.marker) }, `call ${call.n} got its own reply`);
      else if (outcome.ok) assert.fail(`call ${call.n} (${expect.kind}) resolved with ${JSON.stringify(outcome.value)}`);
      else if (expect.kind === '666') assert.ok(outcome.error instanceof ServerError && outcome.error.text === expect.marker, `call ${call.n}: ${String(outcome.error)}`);
      else if (expect.kind === 'malformed') assert.ok(outcome.error instanceof ProtocolError && outcome.error.res === call.template.res, `call ${call.n}: ${String(outcome.error)}`);
      else assert.ok(outcome.error instanceof ConnectionLostError, `call ${call.n}: ${String(outcome.error)}`);
    }
    assert.deepEqual(events, broadcasts, 'broadcasts, and only they, arrived as events');
    assert.equal(protocolErrors.length, junk + malformedAnswers);
    assert.equal(client.pendingCount, 0);
    client.dispose();
  }

  it('gives every call its own reply or the typed error its answer called for, under any interleaving', async () => {
    await fc.assert(fc.asyncProperty(fc.array(action, { maxLength: 24 }), run), { seed: SEED, numRuns: 100 });
  });
});
