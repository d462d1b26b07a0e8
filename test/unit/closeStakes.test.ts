// Which names a close asks to be typed (src/ui/closeStakes.ts): Enter alone
// never closes live or upcoming games under `auto`; sources without games stay
// a plain modal.
import * as assert from 'node:assert/strict';
import { hasStakes, namesToType } from '../../src/ui/closeStakes';

const empty = { name: 'empty.example', active: [], upcoming: [] };
const live = { name: 'live.example', active: ['Final'], upcoming: [] };
const later = { name: 'later.example', active: [], upcoming: ['Semi'] };
const unread = { name: 'unread.example', countError: 'Connection lost — outcome unknown.' };

describe('namesToType', () => {
  it('auto: a source with live or upcoming games, or games that could not be read, is typed by name', () => {
    assert.deepEqual(namesToType([live], 'auto'), ['live.example']);
    assert.deepEqual(namesToType([later], 'auto'), ['later.example']);
    assert.deepEqual(namesToType([unread], 'auto'), ['unread.example']);
  });

  it('auto: sources without games stay a plain modal', () => {
    assert.deepEqual(namesToType([empty], 'auto'), []);
    assert.deepEqual(namesToType([empty, { ...empty, name: 'b' }], 'auto'), []);
  });

  it('auto: several sources ask for one shown name, the first at stake', () => {
    assert.deepEqual(namesToType([empty, later, live], 'auto'), ['later.example']);
  });

  it('typeName: every source at stake, in order; none without games', () => {
    assert.deepEqual(namesToType([empty, later, live], 'typeName'), ['later.example', 'live.example']);
    assert.deepEqual(namesToType([empty], 'typeName'), []);
  });

  it('modal: never a typed name', () => {
    assert.deepEqual(namesToType([live, later, unread], 'modal'), []);
  });

  it('hasStakes counts games of either kind and unread games', () => {
    assert.deepEqual([empty, live, later, unread, { name: 'x' }].map(hasStakes), [false, true, true, true, false]);
  });
});
