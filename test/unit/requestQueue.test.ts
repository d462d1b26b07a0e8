// The pure request queue, one rule per test: which pending request a decoded
// frame settles, what expires, what a drain returns. No sockets, no timers.
import * as assert from 'node:assert/strict';
import { CodeTable } from '../../src/protocol/codes';
import { ProtocolError, ServerError } from '../../src/protocol/errors';
import { decodeMessage, ServerMessage } from '../../src/protocol/messages';
import { Decision, EchoIds, rawEchoIds, RequestQueue } from '../../src/protocol/requestQueue';

function frame(res: number, body: Record<string, unknown> = {}): ServerMessage {
  const decoded = decodeMessage({ response_header: { t: 1 }, res, ...body }, CodeTable.documented);
  assert.ok(!(decoded instanceof ProtocolError), `test frame ${res} must be well-formed`);
  return decoded;
}

function queueOf(...requests: { op: string; expected: number[]; echo?: EchoIds; deadline?: number }[]): RequestQueue<string> {
  const q = new RequestQueue<string>();
  for (const r of requests) q.add({ opName: r.op, expected: r.expected, echo: r.echo, deadline: r.deadline ?? 100, ticket: r.op });
  return q;
}

/** The decision in short: kind and the settled request's ticket. */
function short(d: Decision<string>): string {
  return d.kind === 'resolve' || d.kind === 'reject' ? `${d.kind} ${d.entry.ticket}` : d.kind;
}

describe('RequestQueue', () => {
  describe('well-formed frames', () => {
    it('resolves requests of one code in send order', () => {
      const q = queueOf({ op: 'a', expected: [335] }, { op: 'b', expected: [335] });
      assert.equal(short(q.match(frame(335, { source_id: 'x' }))), 'resolve a');
      assert.equal(short(q.match(frame(335, { source_id: 'y' }))), 'resolve b');
      assert.equal(q.size, 0);
    });

    it('resolves the oldest request expecting the code, past older requests of other codes', () => {
      const q = queueOf({ op: 'list', expected: [621] }, { op: 'ping', expected: [1] });
      assert.equal(short(q.match(frame(1))), 'resolve ping');
      assert.deepEqual(q.drain().map((e) => e.ticket), ['list']);
    });

    it('resolves a request expecting several codes with any of them', () => {
      const q = queueOf({ op: 'logon', expected: [100, 110, 112] });
      assert.equal(short(q.match(frame(112))), 'resolve logon');
    });

    it('resolves a request naming ids only with a frame that echoes every one of them', () => {
      const q = queueOf({ op: 'games A', expected: [345], echo: { source_id: 'A' } }, { op: 'games B', expected: [345], echo: { source_id: 'B' } });
      assert.equal(short(q.match(frame(345, { source_id: 'B', games: [] }))), 'resolve games B');
      assert.equal(short(q.match(frame(345, { source_id: 'C', games: [] }))), 'event');
      assert.equal(short(q.match(frame(345, { source_id: 'A', games: [] }))), 'resolve games A');
    });

    it('does not resolve a request naming an id with a frame that lacks that field', () => {
      // 4242 is unknown to the decoder, so the frame keeps whatever fields it has.
      const q = queueOf({ op: 'x', expected: [4242], echo: { game_id: 'G' } });
      assert.equal(short(q.match(frame(4242, {}))), 'event');
      assert.equal(short(q.match(frame(4242, { game_id: 'G' }))), 'resolve x');
    });

    it('rejects the oldest pending request with a 666 and its text, whatever it expects', () => {
      const q = queueOf({ op: 'list', expected: [621] }, { op: 'open', expected: [335] });
      const d = q.match(frame(666, { text: 'nope' }));
      assert.equal(short(d), 'reject list');
      assert.ok(d.kind === 'reject' && d.error instanceof ServerError && d.error.text === 'nope');
    });

    it('makes a 666 an event when nothing is pending, and a frame of an unexpected code an event', () => {
      const q = queueOf();
      assert.equal(short(q.match(frame(666, { text: 'x' }))), 'event');
      q.add({ opName: 'list', expected: [621], deadline: 1, ticket: 'list' });
      assert.equal(short(q.match(frame(470, { game_id: 'g' }))), 'event');
      assert.equal(q.size, 1);
    });
  });

  describe('malformed frames', () => {
    const bad = (res?: number) => new ProtocolError('bad', { res });

    it('drops a frame without a code', () => {
      const q = queueOf({ op: 'list', expected: [621] });
      const d = q.match(bad());
      assert.equal(d.kind, 'drop');
      assert.equal(q.size, 1);
    });

    it('rejects the oldest request expecting the code when it names no id', () => {
      const q = queueOf({ op: 'a', expected: [621] }, { op: 'b', expected: [621] });
      assert.equal(short(q.match(bad(621))), 'reject a');
    });

    it('rejects a request naming ids only when the raw frame carries them', () => {
      const q = queueOf({ op: 'games A', expected: [345], echo: { source_id: 'A' } }, { op: 'games B', expected: [345], echo: { source_id: 'B' } });
      assert.equal(short(q.match(bad(345), { source_id: 'B' })), 'reject games B');
      assert.equal(short(q.match(bad(345), { source_id: 'Z' })), 'drop');
      assert.equal(short(q.match(bad(345), {})), 'drop');
      assert.equal(q.size, 1);
    });

    it('drops a frame whose code only a newer request without ids expects, when an older one of that code names ids', () => {
      const q = queueOf({ op: 'close G', expected: [341], echo: { game_id: 'G' } }, { op: 'raw close', expected: [341] });
      const d = q.match(bad(341), { game_id: 'H' });
      assert.equal(d.kind, 'drop');
      assert.ok(d.kind === 'drop' && /no id of a pending request/.test(d.why));
      assert.equal(q.size, 2);
    });

    it('drops a malformed frame without a response code, saying it has none, even with a request pending', () => {
      const q = queueOf({ op: 'list', expected: [621] });
      const d = q.match(new ProtocolError('not JSON'), {});
      assert.ok(d.kind === 'drop' && d.why === 'it has no response code', JSON.stringify(d));
      assert.equal(q.size, 1);
    });

    it('drops a frame of a code nobody expects, and says so', () => {
      const q = queueOf({ op: 'list', expected: [621] });
      const d = q.match(bad(345), { source_id: 'A' });
      assert.ok(d.kind === 'drop' && /no pending request expects code 345/.test(d.why));
    });
  });

  describe('deadlines', () => {
    it('expires exactly the requests due at or before now, oldest first, and says when the next is due', () => {
      const q = queueOf({ op: 'a', expected: [1], deadline: 10 }, { op: 'b', expected: [1], deadline: 30 }, { op: 'c', expected: [1], deadline: 20 });
      assert.equal(q.nextDeadline(), 10);
      assert.deepEqual(q.expire(9), []);
      assert.equal(q.inStep, true);
      assert.deepEqual(q.expire(20).map((e) => e.ticket), ['a', 'c']);
      assert.equal(q.nextDeadline(), 30);
      assert.deepEqual(q.drain().map((e) => e.ticket), ['b']);
    });

    it('says when the next is due even when a later request is due sooner than an earlier one', () => {
      const q = queueOf({ op: 'a', expected: [1], deadline: 30 }, { op: 'b', expected: [1], deadline: 10 }, { op: 'c', expected: [1], deadline: 20 });
      assert.equal(q.nextDeadline(), 10);
    });

    it('out of step, a malformed frame is dropped saying that a request timed out on this connection', () => {
      const q = queueOf({ op: 'a', expected: [621], deadline: 10 }, { op: 'b', expected: [621], deadline: 50 });
      q.expire(10);
      const d = q.match(new ProtocolError('bad', { res: 621 }));
      assert.ok(d.kind === 'drop' && d.why === 'a request timed out on this connection', JSON.stringify(d));
    });

    it('settles nothing once a request has expired: a late reply is an event, a malformed one is dropped', () => {
      const q = queueOf({ op: 'a', expected: [621], deadline: 10 }, { op: 'b', expected: [621], deadline: 50 });
      q.expire(10);
      assert.equal(q.inStep, false);
      assert.equal(short(q.match(frame(621, { sources: [] }))), 'event');
      assert.equal(short(q.match(frame(666, { text: 'late' }))), 'event');
      assert.equal(short(q.match(new ProtocolError('bad', { res: 621 }))), 'drop');
      assert.deepEqual(q.drain().map((e) => e.ticket), ['b']);
    });
  });

  it('drains every pending request in send order, and is in step again', () => {
    const q = queueOf({ op: 'a', expected: [1], deadline: 1 }, { op: 'b', expected: [2], deadline: 50 });
    q.expire(1);
    assert.deepEqual(q.drain().map((e) => e.ticket), ['b']);
    assert.equal(q.size, 0);
    assert.equal(q.nextDeadline(), undefined);
    assert.equal(q.inStep, true);
  });

  it('reads raw ids as the decoder would: strings and safe integers, nothing else', () => {
    assert.deepEqual(rawEchoIds({ source_id: 'S', game_id: 7 }), { source_id: 'S', game_id: '7' });
    assert.deepEqual(rawEchoIds({ source_id: { toString: 1 }, game_id: 1.5 }), {});
    assert.deepEqual(rawEchoIds({ source_id: 2 ** 60 }), {});
    assert.deepEqual(rawEchoIds([{ source_id: 'S' }]), {});
    assert.deepEqual(rawEchoIds(null), {});
    assert.deepEqual(rawEchoIds('S'), {});
  });
});
