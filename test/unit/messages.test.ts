// The frame decoder (untrusted text in, typed message or ProtocolError out) and the request encoder.
import * as assert from 'node:assert/strict';
import { ProtocolError } from '../../src/protocol/errors';
import { decodeFrame, decodeMessage, encodeRequest, ServerMessage } from '../../src/protocol/messages';
import { CodeTable as Codes, DEFAULT_RESPONSES, ResName } from '../../src/protocol/codes';
import { expectFrame, Fields, fieldPaths, Kind, pathText, RESPONSES } from './messages.schema';

const codes = Codes.documented;

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
      for (const openAt of [`"${digits400}"`, digits400, '1e400', '-1e400', '"abc123"', '"123abc"', '"1e3"', '" 12"', '"-5"', '-1', '8640000000000001', '"8640000000000001"', 'true', '{}', '[1]']) {
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
    it('accepts a Buffer, an ArrayBuffer and fragments of text frames', () => {
      const text = '{"res":1,"response_header":{"t":5}}';
      for (const data of [Buffer.from(text), new Uint8Array(Buffer.from(text)).buffer, [Buffer.from(text.slice(0, 5)), Buffer.from(text.slice(5))]]) {
        const m = decodeFrame(data as Buffer, false, codes);
        assert.ok(!(m instanceof ProtocolError));
        assert.equal(m.name, 'pong');
        assert.equal(m.t, 5);
      }
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
    });
    it('decodeMessage never throws on odd input', () => {
      for (const input of [undefined, Symbol.iterator, () => 1, new Date(), Object.create(null)]) {
        assert.ok(decodeMessage(input, codes) instanceof ProtocolError);
      }
    });
  });

  describe('optional fields: absent or null is the default, any other type is refused naming the field', () => {
    const refused = (frame: unknown, field: string) => {
      const err = bad(JSON.stringify(frame));
      assert.ok(err.message.includes(`field "${field}"`), `${JSON.stringify(frame)} → ${err.message}`);
    };
    it('optional strings', () => {
      refused({ res: 100, session_key: 5 }, 'session_key');
      refused({ res: 110, text: ['no'] }, 'text');
      refused({ res: 340, source_id: 's', game_id: 'g', hashtag: {} }, 'hashtag');
      refused({ res: 340, source_id: 's', game_id: 'g', game_name: 1 }, 'game_name');
      refused({ res: 340, source_id: 's', game_id: 'g', actions: [{ action_id: 'a', name: true }] }, 'actions[0].name');
      refused({ res: 340, source_id: 's', game_id: 'g', targets: [{ target_id: 't', symbol: 1 }] }, 'targets[0].symbol');
      refused({ res: 345, source_id: 's', games: [{ game_id: 'g', status: 'game_closed', name: 1 }] }, 'games[0].name');
      refused({ res: 3461, source_id: 's', games: [{ id: 'u', source_id: 's', currency: {} }] }, 'games[0].currency');
      refused({ res: 621, sources: [{ id: 'a', name: 'A', description: false }] }, 'sources[0].description');
      refused({ res: 362, pool_id: 'p', game_id: 'g', winning_target: 0 }, 'winning_target');
      refused({ res: 620, games: [{ id: 'g', name: [] }] }, 'games[0].name');
      assert.deepEqual(ok({ res: 100, session_key: null }).body, { session_key: undefined });
      assert.deepEqual(ok({ res: 621, sources: [{ id: 'a', name: 'A', description: null }] }).body, { sources: [{ id: 'a', name: 'A', description: '' }] });
    });
    it('optional arrays', () => {
      refused({ res: 340, source_id: 's', game_id: 'g', actions: {} }, 'actions');
      refused({ res: 340, source_id: 's', game_id: 'g', targets: 't' }, 'targets');
      refused({ res: 340, source_id: 's', game_id: 'g', targets: [{ target_id: 't', targets: {} }] }, 'targets[0].targets');
      refused({ res: 345, source_id: 's', games: [{ game_id: 'g', status: 'game_closed', actions: 'x' }] }, 'games[0].actions');
      refused({ res: 345, source_id: 's', games: [{ game_id: 'g', status: 'game_closed', targets: {} }] }, 'games[0].targets');
      refused({ res: 363, pool_id: 'p', game_id: 'g', invalidated_bettors: {} }, 'invalidated_bettors');
      const m = ok({ res: 340, source_id: 's', game_id: 'g', actions: null });
      assert.ok(m.name === 'game_created_and_opened');
      assert.deepEqual([m.body.actions, m.body.targets], [[], []]);
    });
    it('objects', () => {
      refused({ res: 362, pool_id: 'p', game_id: 'g', winners: [] }, 'winners');
      refused({ res: 362, pool_id: 'p', game_id: 'g', losers: 'x' }, 'losers');
      refused({ res: 2, opcodes: {}, response_codes: [] }, 'response_codes');
      refused({ res: 2, response_codes: {} }, 'opcodes');
      const m = ok({ res: 362, pool_id: 'p', game_id: 'g', winners: null });
      assert.ok(m.name === 'bet_pool_resolved');
      assert.deepEqual([m.body.winners, m.body.losers], [{}, {}]);
    });
    it('a time string such as "abc123" never decodes to NaN', () => {
      for (const v of ['abc123', '123abc', 'NaN', '1e3']) refused({ res: 340, source_id: 's', game_id: 'g', close_at: v }, 'close_at');
      refused({ res: 3461, source_id: 's', games: [{ id: 'u', source_id: 's', live_start_at: 'abc123' }] }, 'games[0].live_start_at');
      refused({ res: 363, pool_id: 'p', game_id: 'g', expired_at: 'abc123' }, 'expired_at');
    });
  });

  describe('target trees (340) are decoded at most 32 levels deep', () => {
    const nested = (levels: number): unknown => {
      let t: Record<string, unknown> = { target_id: `t${levels}` };
      for (let i = levels - 1; i >= 1; i--) t = { target_id: `t${i}`, targets: [t] };
      return t;
    };
    it('32 levels decode, down to the deepest target', () => {
      const m = ok({ res: 340, source_id: 's', game_id: 'g', targets: [nested(32)] });
      assert.ok(m.name === 'game_created_and_opened');
      let t = m.body.targets[0];
      for (let level = 1; level < 32; level++) t = t.targets[0];
      assert.equal(t.target_id, 't32');
      assert.deepEqual(t.targets, []);
    });
    it('33 levels are refused, naming the field that goes too deep', () => {
      const err = bad(JSON.stringify({ res: 340, source_id: 's', game_id: 'g', targets: [nested(33)] }));
      assert.ok(err.message.includes(`field "targets${'[0].targets'.repeat(32)}" should be nested at most 32 deep`), err.message);
      assert.equal(err.res, 340);
    });
    it('100,000 levels of nesting are refused or kept opaque, without exhausting the stack', () => {
      const n = 100_000;
      const deepTargets = `{"res":340,"source_id":"s","game_id":"g","targets":[${'{"target_id":"t","targets":['.repeat(n)}${']}'.repeat(n)}]}`;
      assert.match(bad(deepTargets).message, /nested at most 32 deep/);
      // Opaque fields are passed on as they are, never walked.
      const deepActions = `{"res":345,"source_id":"s","games":[{"game_id":"g","status":"game_closed","actions":${'['.repeat(n)}${']'.repeat(n)}}]}`;
      const m = decodeFrame(deepActions, false, codes);
      if (m instanceof ProtocolError || m.name !== 'games_for_source_list') return assert.fail(String(m));
      assert.equal(m.body.games[0].actions.length, 1);
    });
  });

  describe('broadcasts about games and pools', () => {
    it('new_game_event (366) with and without a game id', () => {
      assert.deepEqual(ok({ res: 366, game_id: 'g' }), { name: 'new_game_event', res: 366, t: undefined, body: { game_id: 'g' } });
      assert.deepEqual(ok({ res: 366, game_id: 7 }).body, { game_id: '7' });
      assert.deepEqual(ok({ res: 366 }).body, { game_id: undefined });
      assert.deepEqual(ok({ res: 366, game_id: null }).body, { game_id: undefined });
      assert.match(bad('{"res":366,"game_id":{}}').message, /field "game_id"/);
    });
    it('bet_pool_blocked (368) carries the pool and the game', () => {
      assert.deepEqual(ok({ res: 368, pool_id: 'p', game_id: 'g', extra: 1 }), { name: 'bet_pool_blocked', res: 368, t: undefined, body: { pool_id: 'p', game_id: 'g' } });
      assert.match(bad('{"res":368,"game_id":"g"}').message, /field "pool_id"/);
      assert.match(bad('{"res":368,"pool_id":"p"}').message, /field "game_id"/);
    });
    it('bet_pool_resolved (362) with is_money_return true, false or absent; any other type is refused', () => {
      const pool = { res: 362, pool_id: 'p', game_id: 'g', winning_target: 't', description: 'd', winners: { u: 1 }, losers: {}, invalidated_bettors: ['x'] };
      const m = ok({ ...pool, is_money_return: true });
      assert.deepEqual(m, {
        name: 'bet_pool_resolved',
        res: 362,
        t: undefined,
        body: { pool_id: 'p', game_id: 'g', winning_target: 't', description: 'd', winners: { u: 1 }, losers: {}, invalidated_bettors: ['x'], is_money_return: true, expired_at: undefined },
      });
      const money = (v: unknown) => {
        const r = ok({ ...pool, is_money_return: v });
        return r.name === 'bet_pool_resolved' ? r.body.is_money_return : assert.fail(r.name);
      };
      assert.equal(money(false), false);
      assert.equal(money(undefined), false);
      assert.equal(money(null), false);
      for (const v of ['true', 1, 0, {}, []]) assert.match(bad(JSON.stringify({ ...pool, is_money_return: v })).message, /field "is_money_return" should be true or false/);
    });
    it('a pool resolved to none (363) takes the documented defaults for what it leaves out', () => {
      assert.deepEqual(ok({ res: 363, pool_id: 'p', game_id: 'g' }).body, {
        pool_id: 'p',
        game_id: 'g',
        winning_target: 'none',
        description: '',
        winners: {},
        losers: {},
        invalidated_bettors: [],
        is_money_return: false,
        expired_at: undefined,
      });
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

  describe('every field of every known response, probed with values of every type', () => {
    const PROBES = ['null', 'true', 'false', '0', '-1', '1.5', '9007199254740993', '1e400', '8640000000000001', '""', '"abc123"', '"1700000000000"', `"${'9'.repeat(400)}"`, '"s"', '{}', '{"toString":1}', '{"valueOf":1,"toString":1}', '[]', '[1]', '[{}]'];
    const canonical = (kind: Kind): unknown => {
      switch (kind.k) {
        case 'id': case 'optId': case 'str': case 'optStr': case 'code': case 'anyText': return 'x';
        case 'time': return 1700000000000;
        case 'bool': return true;
        case 'arr': case 'optArr': return [1];
        case 'obj': case 'optObj': return { a: 1 };
        case 'list': return [frameOf(kind.item)];
        case 'targets': return [{ target_id: 't', targets: [{ target_id: 'u' }] }];
      }
    };
    const frameOf = (fields: Fields): Record<string, unknown> => Object.fromEntries(Object.entries(fields).map(([k, kind]) => [k, canonical(kind)]));
    for (const name of Object.keys(DEFAULT_RESPONSES) as ResName[]) {
      const res = DEFAULT_RESPONSES[name];
      it(`${name} (${res})`, () => {
        const base = { ...frameOf(RESPONSES[name]), res };
        const paths = fieldPaths(RESPONSES[name], base);
        assert.ok(name === 'pong' || paths.length > 0);
        for (const path of paths) {
          for (const probe of PROBES) {
            const frame = JSON.parse(JSON.stringify(base)) as Record<string | number, unknown>;
            let parent = frame;
            for (const seg of path.slice(0, -1)) parent = parent[seg] as Record<string | number, unknown>;
            parent[path[path.length - 1]] = '@@probe@@';
            const text = JSON.stringify(frame).replace('"@@probe@@"', () => probe);
            const want = expectFrame(JSON.parse(text), codes);
            const got = decodeFrame(text, false, codes);
            const where = `${pathText(path)} = ${probe}`;
            if (want.ok) {
              assert.deepStrictEqual(got, want.message, where);
            } else {
              assert.ok(got instanceof ProtocolError, `${where} should be refused`);
              assert.equal(got.cause, undefined, where);
              assert.equal(got.res, res, where);
              const named = /field "([^"]*)" should be/.exec(got.message)?.[1];
              assert.ok(want.why === 'fields' && named !== undefined && want.paths.includes(named), `${where}: named ${named}`);
            }
          }
        }
      });
    }
  });

  describe('encodeRequest', () => {
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
