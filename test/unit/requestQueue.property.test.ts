// Property: whatever a server does around the requests of one connection
// (answers in order with the reply, a 666 or a malformed reply; broadcasts of
// the same codes for other ids; junk; late answers after a timeout) and
// whenever requests expire or the connection ends, every request the queue
// holds settles exactly once, with its own reply or a typed error, never
// another's; nothing settles after it expired. Seeded (FC_SEED), shrinking.
import * as assert from 'node:assert/strict';
import fc from 'fast-check';
import { CodeTable } from '../../src/protocol/codes';
import { ProtocolError } from '../../src/protocol/errors';
import { decodeMessage, ServerMessage } from '../../src/protocol/messages';
import { EchoIds, rawEchoIds, RequestQueue } from '../../src/protocol/requestQueue';

const SEED = Number(process.env.FC_SEED ?? 42);

type Body = Record<string, unknown>;
interface Template {
  op: string;
  expected: number[];
  echo?: 'source_id' | 'game_id';
  reply(id: string, marker: string): Body;
  /** A reply of the right code that the decoder refuses, still carrying the request's id; absent when none can be made. */
  malformed?(id: string): Body;
}

const TEMPLATES: Template[] = [
  { op: 'open', expected: [335], reply: (_, m) => ({ res: 335, source_id: m }), malformed: () => ({ res: 335, source_id: 1.5 }) },
  { op: 'list', expected: [621], reply: (_, m) => ({ res: 621, sources: [{ id: m, name: 'n' }] }), malformed: () => ({ res: 621, sources: 'x' }) },
  { op: 'games', expected: [345], echo: 'source_id', reply: (id, m) => ({ res: 345, source_id: id, games: [{ game_id: m, status: 's' }] }), malformed: (id) => ({ res: 345, source_id: id, games: 'x' }) },
  { op: 'close', expected: [336], echo: 'source_id', reply: (id) => ({ res: 336, source_id: id }) },
  { op: 'closeGame', expected: [341], echo: 'game_id', reply: (id) => ({ res: 341, game_id: id }) },
  { op: 'logon', expected: [100, 110, 112], reply: (_, m) => ({ res: 100, session_key: m }), malformed: () => ({ res: 100, session_key: 5 }) },
  { op: 'ping', expected: [1], reply: () => ({ res: 1 }) },
];
const IDS = ['A', 'B', 'C'];
/** Ids no request ever names: whatever carries them belongs to someone else. */
const OTHER_IDS = ['X', 'Y'];
const BROADCASTS: ((id: string) => Body)[] = [
  (id) => ({ res: 345, source_id: id, games: [] }),
  (id) => ({ res: 336, source_id: id }),
  (id) => ({ res: 341, game_id: id }),
  (id) => ({ res: 470, game_id: id }),
  (id) => ({ res: 4242, game_id: id }),
];
const JUNK: ((id: string) => Body | string)[] = [
  (id) => ({ res: 345, source_id: id, games: 'x' }),
  (id) => ({ res: 340, source_id: id, game_id: id, actions: 'x' }),
  () => ({ res: '621', sources: [] }),
  () => 'not an object',
];

type Action =
  | { t: 'send'; template: number; id: number; timeout: number }
  | { t: 'answer'; kind: 'reply' | '666' | 'malformed' }
  | { t: 'broadcast'; which: number; other: number }
  | { t: 'junk'; which: number; other: number }
  | { t: 'tick'; dt: number }
  | { t: 'drain' };

const action: fc.Arbitrary<Action> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ t: fc.constant('send' as const), template: fc.nat(TEMPLATES.length - 1), id: fc.nat(IDS.length - 1), timeout: fc.integer({ min: 1, max: 40 }) }) },
  { weight: 4, arbitrary: fc.record({ t: fc.constant('answer' as const), kind: fc.constantFrom('reply' as const, '666' as const, 'malformed' as const) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('broadcast' as const), which: fc.nat(BROADCASTS.length - 1), other: fc.nat(OTHER_IDS.length - 1) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('junk' as const), which: fc.nat(JUNK.length - 1), other: fc.nat(OTHER_IDS.length - 1) }) },
  { weight: 2, arbitrary: fc.record({ t: fc.constant('tick' as const), dt: fc.nat(15) }) },
  { weight: 1, arbitrary: fc.record({ t: fc.constant('drain' as const) }) },
);

/** What the server received and has not answered yet, in order (PROTOCOL.md §4: it answers in order). */
interface Received {
  seq: number;
  template: Template;
  id: string;
}

function decode(raw: Body | string): { frame: ServerMessage | ProtocolError; ids: EchoIds } {
  const frame = typeof raw === 'string' ? new ProtocolError('not JSON') : decodeMessage({ response_header: { t: 1 }, ...raw }, CodeTable.documented);
  return { frame, ids: frame instanceof ProtocolError ? rawEchoIds(raw) : {} };
}

function run(actions: Action[]): void {
  const queue = new RequestQueue<number>();
  const settled = new Map<number, string>();
  const added: number[] = [];
  /** The model's own record of what is pending: seq → deadline. */
  const pending = new Map<number, number>();
  let inbox: Received[] = [];
  let now = 0;

  const settle = (seq: number, how: string): void => {
    assert.ok(!settled.has(seq), `request ${seq} settled twice: ${settled.get(seq)}, then ${how}`);
    settled.set(seq, how);
    pending.delete(seq);
  };

  /** Feeds one frame; `owner` is the request the server meant it for, if any. */
  const feed = (raw: Body | string, owner: number | undefined, kind: string): void => {
    const { frame, ids } = decode(raw);
    const ownerPending = owner !== undefined && pending.has(owner);
    const inStep = queue.inStep;
    const d = queue.match(frame, ids);
    if (d.kind === 'resolve' || d.kind === 'reject') {
      assert.equal(d.entry.seq, owner, `a ${kind} meant for ${owner ?? 'nobody'} settled request ${d.entry.seq}`);
      if (d.kind === 'resolve') assert.equal(d.message, frame, 'resolved with its own reply');
      else if (kind === 'malformed') assert.equal(d.error, frame, 'rejected with the malformed frame');
      else assert.equal(d.error.code, 'server', 'rejected by a 666 with ServerError');
      assert.equal(d.kind === 'resolve', kind === 'reply');
      settle(d.entry.seq, `${d.kind} ${kind}`);
    } else if (ownerPending && inStep) {
      assert.fail(`the ${kind} answering pending request ${owner} became ${d.kind}`);
    } else {
      assert.equal(d.kind, frame instanceof ProtocolError ? 'drop' : 'event');
    }
  };

  for (const a of actions) {
    switch (a.t) {
      case 'send': {
        const template = TEMPLATES[a.template];
        const id = IDS[a.id];
        const echo: EchoIds = template.echo ? { [template.echo]: id } : {};
        const entry = queue.add({ opName: template.op, expected: template.expected, echo, deadline: now + a.timeout, ticket: 0 });
        added.push(entry.seq);
        pending.set(entry.seq, entry.deadline);
        inbox.push({ seq: entry.seq, template, id });
        break;
      }
      case 'answer': {
        const r = inbox.shift();
        if (!r) break;
        const kind = a.kind === 'malformed' && !r.template.malformed ? '666' : a.kind;
        const raw = kind === 'reply' ? r.template.reply(r.id, `reply-to-${r.seq}`) : kind === '666' ? { res: 666, text: `refused ${r.seq}` } : (r.template.malformed as (id: string) => Body)(r.id);
        feed(raw, r.seq, kind);
        break;
      }
      case 'broadcast':
        feed(BROADCASTS[a.which](OTHER_IDS[a.other]), undefined, 'broadcast');
        break;
      case 'junk':
        feed(JUNK[a.which](OTHER_IDS[a.other]), undefined, 'junk');
        break;
      case 'tick': {
        now += a.dt;
        const due = [...pending].filter(([, deadline]) => deadline <= now).map(([seq]) => seq);
        const expired = queue.expire(now);
        assert.deepEqual(expired.map((e) => e.seq), due, 'exactly the requests due expire, oldest first');
        for (const e of expired) settle(e.seq, 'timeout');
        break;
      }
      case 'drain':
        for (const e of queue.drain()) settle(e.seq, 'connection lost');
        // The connection ended: what its server had not answered is never delivered to the next one.
        inbox = [];
        break;
    }
  }
  for (const e of queue.drain()) settle(e.seq, 'connection lost');
  assert.equal(pending.size, 0, 'the queue drained every request the model holds pending');
  assert.deepEqual([...settled.keys()].sort((x, y) => x - y), added, 'every request settled exactly once');
}

describe('RequestQueue (property)', () => {
  it('settles every request exactly once, with its own reply or a typed error, under any interleaving', () => {
    fc.assert(fc.property(fc.array(action, { maxLength: 80 }), run), { seed: SEED, numRuns: 600 });
  });

});
