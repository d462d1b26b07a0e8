// The code table: documented values by name, and merging a server's get_opcodes reply.
import * as assert from 'node:assert/strict';
import { CodeTable, DEFAULT_OPS, DEFAULT_RESPONSES } from '../../src/protocol/codes';

describe('codes', () => {
  it('has the documented op codes of PROTOCOL §6–§9', () => {
    assert.deepEqual(
      { ...DEFAULT_OPS },
      {
        ping: 1, get_opcodes: 2, logon: 100, open_game_source: 365, close_game_source: 366, create_and_open_game: 370,
        join_game: 363, close_game: 375, list_games_for_source: 380, list_upcoming_games_for_source: 3811,
        create_and_open_betting_pool: 385, list_games_i_am_admin_of: 610, list_game_sources_i_am_admin_of: 611,
      },
    );
  });

  it('has the documented response codes, op and response spaces kept apart', () => {
    const t = CodeTable.documented;
    assert.equal(t.res('game_source_opened'), 335);
    assert.equal(t.res('game_source_closed'), 336);
    assert.equal(t.res('game_sources_i_am_admin_of_list'), 621);
    assert.equal(t.res('games_for_source_list'), 345);
    assert.equal(t.res('upcoming_games_for_source_list'), 3461);
    assert.equal(t.res('error'), 666);
    assert.equal(t.res('new_game_event'), 366);
    assert.equal(t.op('close_game_source'), 366);
    assert.equal(t.resName(366), 'new_game_event');
    assert.equal(t.resName(12345), undefined);
    assert.equal(new Set(Object.values(DEFAULT_RESPONSES)).size, Object.keys(DEFAULT_RESPONSES).length);
  });

  describe('withServerTable', () => {
    it('takes the server values for names it knows', () => {
      const t = CodeTable.documented.withServerTable({ open_game_source: 9365, whatever: 1 }, { game_source_opened: 9335 });
      assert.equal(t.op('open_game_source'), 9365);
      assert.equal(t.res('game_source_opened'), 9335);
      assert.equal(t.resName(9335), 'game_source_opened');
      assert.equal(t.resName(335), undefined);
      assert.equal(t.op('ping'), 1);
    });

    it('ignores values that are not non-negative integers', () => {
      const t = CodeTable.documented.withServerTable({ ping: 'one', logon: -5, get_opcodes: 2.5 }, { pong: null });
      assert.equal(t.op('ping'), 1);
      assert.equal(t.op('logon'), 100);
      assert.equal(t.op('get_opcodes'), 2);
      assert.equal(t.res('pong'), 1);
    });

    it('ignores a table that would map two names to one response code', () => {
      const t = CodeTable.documented.withServerTable({}, { game_source_opened: 336 });
      assert.equal(t, CodeTable.documented);
      assert.equal(t.res('game_source_opened'), 335);
    });

    it('ignores a table that would map two names to one op code', () => {
      const t = CodeTable.documented.withServerTable({ close_game_source: 365 }, {});
      assert.equal(t, CodeTable.documented);
      assert.equal(t.op('close_game_source'), 366);
    });

    it('takes 0 and the largest safe integer; refuses what is beyond or not a number', () => {
      const t = CodeTable.documented.withServerTable({ ping: 0, logon: Number.MAX_SAFE_INTEGER }, { pong: 0 });
      assert.deepEqual([t.op('ping'), t.op('logon'), t.res('pong')], [0, Number.MAX_SAFE_INTEGER, 0]);
      const u = CodeTable.documented.withServerTable({ ping: Number.MAX_SAFE_INTEGER + 1, logon: Number.NaN, get_opcodes: '7', open_game_source: -1 }, { pong: Infinity, opcodes: [3] });
      assert.deepEqual([u.op('ping'), u.op('logon'), u.op('get_opcodes'), u.op('open_game_source'), u.res('pong'), u.res('opcodes')], [1, 100, 2, 365, 1, 2]);
    });

    it('keeps the documented value of a bad entry in a table that is otherwise complete and usable', () => {
      const ops: Record<string, unknown> = { ...DEFAULT_OPS, ping: -1 };
      const responses: Record<string, unknown> = { ...DEFAULT_RESPONSES, pong: '1' };
      const t = CodeTable.documented.withServerTable(ops, responses);
      assert.equal(t.op('ping'), 1);
      assert.equal(t.res('pong'), 1);
    });

    it('leaves the original table unchanged', () => {
      CodeTable.documented.withServerTable({ ping: 77 }, {});
      assert.equal(CodeTable.documented.op('ping'), 1);
    });
  });
});
