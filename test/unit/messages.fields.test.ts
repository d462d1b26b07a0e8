// The decoder field by field: each optional field's type check, the target
// depth limit, the game and pool broadcasts, and every field of every known
// response probed with values of every type against the spec oracle.
import * as assert from 'node:assert/strict';
import { CodeTable, DEFAULT_RESPONSES, ResName } from '../../src/protocol/codes';
import { ProtocolError } from '../../src/protocol/errors';
import { decodeFrame, ServerMessage } from '../../src/protocol/messages';
import { expectFrame, Fields, fieldPaths, Kind, pathText, RESPONSES } from './messages.schema';

const codes = CodeTable.documented;

function ok(frame: unknown): ServerMessage {
  const m = decodeFrame(JSON.stringify(frame), false, codes);
  if (m instanceof ProtocolError) assert.fail(`unexpected ProtocolError: ${m.message}`);
  return m;
}

function bad(data: string): ProtocolError {
  const m = decodeFrame(data, false, codes);
  assert.ok(m instanceof ProtocolError, `expected a ProtocolError, got ${JSON.stringify(m)}`);
  return m;
}

describe('messages, field by field', () => {
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
});
