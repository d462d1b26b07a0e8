// The source model's sort: a key that ignores case and accents (and nothing
// else), and an order by that key, then by id.
import * as assert from 'node:assert/strict';
import { byName, sortKey, type SourceEntry } from '../../src/sources/sourceModel';

const entry = (id: string, name: string): SourceEntry => ({ info: { id, name, description: '' }, sortKey: sortKey(name) });

describe('sourceModel: sortKey and byName', () => {
  it('sortKey lowercases and strips combining accents', () => {
    assert.equal(sortKey('Élan Vital'), 'elan vital');
    assert.equal(sortKey('CAFÉ'), 'cafe');
    assert.equal(sortKey('naïve Ångström'), 'naive angstrom');
  });

  it('sortKey strips every combining mark of the range U+0300–U+036F, the first and last included', () => {
    assert.equal(sortKey('a\u0300b\u036fc\u0301'), 'abc');
  });

  it('sortKey keeps letters, digits, punctuation and marks outside that range', () => {
    assert.equal(sortKey('Source-42 (test)'), 'source-42 (test)');
    assert.equal(sortKey('a\u20dd'), 'a\u20dd', 'an enclosing mark outside the range stays');
    assert.equal(sortKey('\u02ff\u0371'), '\u02ff\u0371', 'the characters just outside the range stay');
  });

  it('sortKey folds compatibility forms (NFKD): the ligature ﬁ is "fi"', () => {
    assert.equal(sortKey('ﬁsh'), 'fish');
  });

  it('byName orders by the key, ignoring case and accents', () => {
    const list = [entry('1', 'zeta'), entry('2', 'Éclair'), entry('3', 'alpha'), entry('4', 'Beta')];
    assert.deepEqual(list.sort(byName).map((e) => e.info.name), ['alpha', 'Beta', 'Éclair', 'zeta']);
  });

  it('byName orders equal keys by id, and an entry equals itself', () => {
    const a = entry('a', 'Same');
    const b = entry('b', 'same');
    assert.equal(byName(a, b), -1);
    assert.equal(byName(b, a), 1);
    assert.equal(byName(a, a), 0);
    assert.equal(byName(entry('1', 'x'), entry('2', 'y')), -1);
    assert.equal(byName(entry('2', 'y'), entry('1', 'x')), 1);
  });
});
