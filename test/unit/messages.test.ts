// The frame decoder (untrusted text in, typed message or ProtocolError out) and the request encoder.
import * as assert from 'node:assert/strict';
import { CodeTable } from '../../src/protocol/codes';
import { ProtocolError } from '../../src/protocol/errors';
import { decodeFrame, decodeMessage, encodeRequest, ServerMessage } from '../../src/protocol/messages';

const codes = CodeTable.documented;

function ok(frame: unknown): ServerMessage {
  const m = decodeFrame(JSON.stringify(frame), false, codes);
  if (m instanceof ProtocolError) assert.fail(`unexpected ProtocolError: ${m.message}`);
  return m;
}

function bad(data: string | Buffer, isBinary = false): ProtocolError {
  const m = decodeFrame(data, isBinary, codes);
  assert.ok(m instanceof ProtocolError, `expected a ProtocolError, got ${JSON.stringify(m)}`);
  return m;
}

describe('messages', () => {
  describe('decodeFrame rejects every kind of malformed frame with a ProtocolError', () => {
    it('binary frames', () => {
      assert.match(bad(Buffer.from('{"res":1}'), true).message, /binary/);
    });
    it('text that is not JSON', () => {
      assert.match(bad('{"res": 1').message, /not JSON/);
      bad('');
    });
    it('JSON that is not an object', () => {
      for (const frame of ['[]', '[{"res":1}]', '42', '"res"', 'null', 'true']) assert.match(bad(frame).message, /not a JSON object/, frame);
    });
    it('a missing or non-integer res', () => {
      for (const frame of ['{}', '{"res":null}', '{"res":"335"}', '{"res":335.5}', '{"res":1e400}', '{"res":[335]}']) {
        assert.match(bad(frame).message, /integer "res"/, frame);
      }
    });
    it('wrong field types in known replies, naming the field and carrying the res', () => {
      const cases: [unknown, RegExp][] = [
        [{ res: 335, source_id: { x: 1 } }, /source_id/],
        [{ res: 335 }, /source_id/],
        [{ res: 621, sources: 'none' }, /sources/],
        [{ res: 621, sources: [{ id: 'a', name: 7 }] }, /sources\[0\]\.name/],
        [{ res: 621, sources: [null] }, /sources\[0\]/],
        [{ res: 345, source_id: 's', games: [{ game_id: 'g', status: 3 }] }, /games\[0\]\.status/],
        [{ res: 345, source_id: 's', games: [{ game_id: 'g', status: 'game_closed', open_at: 'soon' }] }, /open_at/],
        [{ res: 3461, source_id: 's', games: {} }, /games/],
        [{ res: 2, opcodes: [], response_codes: {} }, /opcodes/],
        [{ res: 341, game_id: true }, /game_id/],
      ];
      for (const [frame, field] of cases) {
        const err = bad(JSON.stringify(frame));
        assert.match(err.message, field, JSON.stringify(frame));
        assert.equal(err.res, (frame as { res: number }).res);
      }
    });
    it('an object with an odd toString or valueOf where text is due is a ProtocolError naming the field, not an internal TypeError', () => {
      const cases: [string, string][] = [
        ['{"res":345,"source_id":"s","games":[{"game_id":"g","status":"game_closed","type":{"toString":1}}]}', 'games[0].type'],
        ['{"res":345,"source_id":"s","games":[{"game_id":"g","status":"game_closed","type":{"toString":1,"valueOf":1}}]}', 'games[0].type'],
        ['{"res":345,"source_id":"s","games":[{"game_id":"g","status":"game_closed","type":{}}]}', 'games[0].type'],
        ['{"res":345,"source_id":"s","games":[{"game_id":"g","status":"game_closed","type":[1,2]}]}', 'games[0].type'],
        ['{"res":3461,"source_id":"s","games":[{"id":"u","source_id":"s","game_type_id":{"valueOf":1,"toString":1}}]}', 'games[0].game_type_id'],
        ['{"res":3461,"source_id":"s","games":[{"id":"u","source_id":"s","game_type_id":true}]}', 'games[0].game_type_id'],
      ];
      for (const [frame, field] of cases) {
        const err = bad(frame);
        assert.ok(err.message.includes(`field "${field}"`), `${frame} → ${err.message}`);
        assert.equal(err.cause, undefined, `${frame}: the error came from the decoder's safety net, not from a field reader`);
      }
    });
    it('a time that is not a finite epoch millisecond within the range of a Date is a ProtocolError naming the field', () => {
      const game = (openAt: string) => `{"res":345,"source_id":"s","games":[{"game_id":"g","status":"game_closed","open_at":${openAt}}]}`;
      const digits400 = '1'.repeat(400);
      for (const openAt of [`"${digits400}"`, digits400, '1e400', '-1e400', '"abc123"', '"123abc"', '"1e3"', '" 12"', '"-5"', '"-0"', '"1."', '-1', '8640000000000001', '"8640000000000001"', 'true', '{}', '[1]']) {
        const err = bad(game(openAt));
        assert.ok(err.message.includes('field "games[0].open_at"'), `${openAt} → ${err.message}`);
        assert.equal(err.res, 345);
      }
      const ok345 = (openAt: string) => {
        const m = ok(JSON.parse(game(openAt)));
        assert.ok(m.name === 'games_for_source_list');
        return m.body.games[0].open_at;
      };
      assert.equal(ok345('8640000000000000'), 8.64e15);
      assert.equal(ok345('"8640000000000000"'), 8.64e15);
      assert.equal(ok345('0'), 0);
      assert.equal(ok345('"1700000000000.5"'), 1700000000000.5);
    });
    it('a frame-level failure carries no res', () => {
      assert.equal(bad('nope').res, undefined);
      assert.equal(bad('{"res":"x"}').res, undefined);
    });
  });

  describe('decodeFrame decodes well-formed replies', () => {
    it('accepts a Buffer, an ArrayBuffer and fragments of text frames, as UTF-8 even when a fragment ends inside a character', () => {
      const text = '{"res":621,"response_header":{"t":5},"sources":[{"id":"a","name":"Zürich ⚽ 🏒"}]}';
      const bytes = Buffer.from(text);
      const cut = bytes.indexOf(Buffer.from('⚽')) + 1;
      for (const data of [bytes, new Uint8Array(bytes).buffer, [bytes.subarray(0, cut), bytes.subarray(cut)]]) {
        const m = decodeFrame(data as Buffer, false, codes);
        if (m instanceof ProtocolError || m.name !== 'game_sources_i_am_admin_of_list') return assert.fail(String(m));
        assert.equal(m.t, 5);
        assert.equal(m.body.sources[0].name, 'Zürich ⚽ 🏒');
      }
    });
    it('a frame delivered as text is parsed as it is, not re-encoded: a lone surrogate in a name is kept, not turned into U+FFFD', () => {
      const m = decodeFrame('{"res":621,"sources":[{"id":"a","name":"x\ud800"}]}', false, codes);
      if (m instanceof ProtocolError || m.name !== 'game_sources_i_am_admin_of_list') return assert.fail(String(m));
      assert.equal(m.body.sources[0].name, 'x\ud800');
    });
    it('invalid UTF-8 inside a string becomes U+FFFD, not an exception', () => {
      const bytes = Buffer.concat([Buffer.from('{"res":621,"sources":[{"id":"a","name":"x'), Buffer.from([0xff]), Buffer.from('"}]}')]);
      const m = decodeFrame(bytes, false, codes);
      if (m instanceof ProtocolError || m.name !== 'game_sources_i_am_admin_of_list') return assert.fail(String(m));
      assert.equal(m.body.sources[0].name, 'x\ufffd');
    });
    it('game_source_opened (335), numeric ids turned into strings', () => {
      const m = ok({ res: 335, source_id: 'abc' });
      assert.equal(m.name, 'game_source_opened');
      assert.deepEqual(m.body, { source_id: 'abc' });
      assert.deepEqual(ok({ res: 335, source_id: 17 }).body, { source_id: '17' });
    });
    it('the source list (621) with a missing description as empty text', () => {
      const m = ok({ res: 621, sources: [{ id: 'a', name: 'A', description: 'd' }, { id: 'b', name: 'B' }] });
      assert.equal(m.name, 'game_sources_i_am_admin_of_list');
      assert.deepEqual(m.body, { sources: [{ id: 'a', name: 'A', description: 'd' }, { id: 'b', name: 'B', description: '' }] });
    });
    it('active games (345) with times sent as strings', () => {
      const m = ok({ res: 345, source_id: 's', games: [{ game_id: 'g', status: 'pre_game_betting_active', name: 'G', type: 5, open_at: '1700000000000', close_at: 1700000001000 }] });
      assert.equal(m.name, 'games_for_source_list');
      if (m.name !== 'games_for_source_list') return;
      assert.equal(m.body.games[0].open_at, 1700000000000);
      assert.equal(m.body.games[0].close_at, 1700000001000);
      assert.equal(m.body.games[0].type, '5');
      assert.deepEqual(m.body.games[0].actions, []);
    });
    it('upcoming games (3461)', () => {
      const m = ok({ res: 3461, source_id: 's', games: [{ id: 'u', source_id: 's', game_name: 'U', live_start_at: 1 }] });
      assert.equal(m.name, 'upcoming_games_for_source_list');
      if (m.name !== 'upcoming_games_for_source_list') return;
      assert.equal(m.body.games[0].game_name, 'U');
    });
    it('error (666) keeps the server text', () => {
      const m = ok({ response_header: {}, res: 666, text: 'You are not authorized to open a game source.' });
      assert.deepEqual(m.body, { text: 'You are not authorized to open a game source.' });
    });
    it('a pool resolution broadcast (363)', () => {
      const m = ok({ res: 363, pool_id: 'p', game_id: 'g', winning_target: 'none', description: 'd', winners: {}, losers: {}, invalidated_bettors: [], is_money_return: false, expired_at: 1421933670582 });
      assert.equal(m.name, 'bet_pool_expired');
      if (m.name !== 'bet_pool_expired') return;
      assert.equal(m.body.expired_at, 1421933670582);
    });
    it('a res this client has no name for comes back as an unknown message, not an error', () => {
      const m = ok({ res: 9999, anything: [1] });
      assert.equal(m.name, undefined);
      assert.equal(m.res, 9999);
      assert.deepEqual(m.body, { res: 9999, anything: [1] });
    });
    it('decodeMessage never throws on odd input', () => {
      for (const input of [undefined, Symbol.iterator, () => 1, new Date(), Object.create(null)]) {
        assert.ok(decodeMessage(input, codes) instanceof ProtocolError);
      }
    });
  });

  describe('the frame as a whole', () => {
    it('an error (666) whose text is not a string is still the server\'s refusal, with no text', () => {
      for (const text of [{ toString: 1 }, 5, null, ['x']]) assert.deepEqual(ok({ res: 666, text }).body, { text: '' });
    });
    it('a header time that is no time is left out; the reply is kept', () => {
      for (const t of ['5', -1, 8.64e15 + 1, {}]) assert.equal(ok({ res: 1, response_header: { t } }).t, undefined);
      const huge = decodeFrame('{"res":1,"response_header":{"t":1e400}}', false, codes);
      assert.ok(!(huge instanceof ProtocolError) && huge.t === undefined);
      assert.equal(ok({ res: 1, response_header: { t: 8.64e15 } }).t, 8.64e15);
      assert.equal(ok({ res: 1, response_header: 'x' }).t, undefined);
    });
    it('__proto__ and constructor keys are own data, never a prototype to read fields through', () => {
      const err = bad('{"res":335,"__proto__":{"source_id":"s"},"constructor":{"prototype":{"source_id":"s"}}}');
      assert.match(err.message, /field "source_id"/);
      const m = decodeFrame('{"res":9999,"__proto__":{"polluted":1}}', false, codes);
      assert.ok(!(m instanceof ProtocolError));
      assert.equal(Object.getPrototypeOf(m.body), Object.prototype);
      assert.equal(({} as Record<string, unknown>).polluted, undefined);
    });
    it('decodeMessage turns even a throwing getter or a revoked proxy into a ProtocolError that keeps the cause', () => {
      const boom = new Error('getter');
      const getter = Object.defineProperty({ res: 335 }, 'source_id', { get: () => { throw boom; }, enumerable: true });
      const out = decodeMessage(getter, codes);
      assert.ok(out instanceof ProtocolError);
      assert.equal(out.res, 335);
      assert.equal(out.cause, boom);
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      assert.ok(decodeMessage(proxy, codes) instanceof ProtocolError);
      const thrower = new Proxy({}, { get: () => { throw new Proxy({}, { getPrototypeOf: () => { throw new Error('trap'); } }); } });
      assert.ok(decodeMessage(thrower, codes) instanceof ProtocolError);
    });
  });

  describe('the messages of a refused frame', () => {
    it('say what is wrong, in words fit for the log', () => {
      assert.equal(bad(Buffer.from('{}'), true).message, 'The server sent a binary frame; this protocol only uses JSON text.');
      assert.equal(bad('{"res": 1').message, 'The server sent a frame that is not JSON (9 characters).');
      assert.equal(bad('[]').message, 'The server sent a frame that is not a JSON object.');
      assert.equal(bad('{"res":"1"}').message, 'The server sent a frame without an integer "res" code.');
      assert.equal(bad('{"res":335}').message, 'Malformed reply 335: field "source_id" should be an id (string).');
      assert.equal(bad('{"res":335,"source_id":1.5}').message, 'Malformed reply 335: field "source_id" should be an id (string).');
    });
    it('a value that cannot be read at all: with its res when it had one, and the cause kept', () => {
      const boom = new Error('getter');
      const getter = Object.defineProperty({ res: 335 }, 'source_id', { get: () => { throw boom; }, enumerable: true });
      const withRes = decodeMessage(getter, codes);
      assert.ok(withRes instanceof ProtocolError);
      assert.equal(withRes.message, 'Malformed reply 335: it could not be decoded.');
      const { proxy, revoke } = Proxy.revocable({}, {});
      revoke();
      const without = decodeMessage(proxy, codes);
      assert.ok(without instanceof ProtocolError);
      assert.equal(without.message, 'The frame could not be decoded.');
      assert.equal(without.res, undefined);
      assert.ok(without.cause instanceof TypeError);
    });
    it('a res that is an integer but too large to be exact is refused', () => {
      assert.match(bad('{"res":9007199254740993}').message, /integer "res"/);
      assert.equal(ok({ res: 9007199254740991 }).res, 9007199254740991);
    });
  });

  describe('encodeRequest', () => {
    it('stamps the header with the clock when given no time', () => {
      const before = Date.now();
      const o = JSON.parse(encodeRequest(1, {})) as { header: { t: number; api_version: number } };
      assert.ok(o.header.t >= before && o.header.t <= Date.now(), String(o.header.t));
      assert.equal(o.header.api_version, 1);
    });
    it('writes the documented header without a session key, the op and the params', () => {
      const o = JSON.parse(encodeRequest(365, { source_name: 'x.example' }, 1422006034742)) as Record<string, unknown>;
      assert.deepEqual(o, { header: { t: 1422006034742, api_version: 1 }, op: 365, source_name: 'x.example' });
    });
    it('does not let a param replace the header or the op', () => {
      const o = JSON.parse(encodeRequest(1, { header: { session_key: 'k' }, op: 999 }, 7)) as Record<string, unknown>;
      assert.deepEqual(o.header, { t: 7, api_version: 1 });
      assert.equal(o.op, 1);
    });
  });
});
