// Input limits as a person counts characters: code points, so an emoji is one.
import * as assert from 'node:assert/strict';
import { characterCount, MAX_DESCRIPTION_LENGTH, MAX_SOURCE_NAME_LENGTH } from '../../src/protocol/limits';

describe('limits', () => {
  it('the documented description limit is 512 characters; the emulator names at most 255', () => {
    assert.equal(MAX_DESCRIPTION_LENGTH, 512);
    assert.equal(MAX_SOURCE_NAME_LENGTH, 255);
  });

  it('counts text without surrogate pairs by its length', () => {
    assert.equal(characterCount(''), 0);
    assert.equal(characterCount('abc'), 3);
    assert.equal(characterCount('Zürich ⚽'), 8);
  });

  it('counts a character outside the BMP (an emoji, a surrogate pair) as one', () => {
    assert.equal('🏒'.length, 2);
    assert.equal(characterCount('🏒'), 1);
    assert.equal(characterCount('a🏒b'), 3);
    assert.equal(characterCount('🏒'.repeat(512)), 512);
    // The pair's high half anywhere in the text, not only first or last.
    assert.equal(characterCount(`${'x'.repeat(10)}😀${'y'.repeat(10)}`), 21);
    // Every high surrogate counts, the first (U+D800) and the last (U+DBFF) of the range.
    assert.equal(characterCount('\ud800\udc00'), 1);
    assert.equal(characterCount('\udbff\udfff'), 1);
  });
});
