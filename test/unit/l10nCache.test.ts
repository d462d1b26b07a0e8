// cachedL10n: the same words as l10n.t gives, translations and the order they
// put the values in included, with the message looked up once.
import * as assert from 'node:assert/strict';
import type { L10n } from '../../src/ui/labels';
import { cachedL10n } from '../../src/ui/l10nCache';

/** Formats as VS Code's l10n.t does: `{n}` becomes the n-th value, a placeholder with no value stays as it is. */
function fakeL10n(translations: Record<string, string> = {}): L10n & { lookups: string[] } {
  const lookups: string[] = [];
  return {
    lookups,
    t(message: string, ...args: Array<string | number | boolean>): string {
      lookups.push(message);
      const text = translations[message] ?? message;
      return text.replace(/\{(\d+)\}/g, (whole, i: string) => (args[Number(i)] === undefined ? whole : String(args[Number(i)])));
    },
  };
}

describe('cachedL10n', () => {
  it('gives what l10n.t gives, for messages with no value, one, several, repeated or missing values', () => {
    const direct = fakeL10n();
    const cached = cachedL10n(fakeL10n());
    const calls: Array<[string, ...Array<string | number | boolean>]> = [
      ['Reading…'],
      ['Game source {0}', 'demo.example'],
      ['{0} active games', 3],
      ['Game {0}, upcoming, starts {1}', 'Semi', '12:00'],
      ['{0} and {0} again, then {1}', 'a', true],
      ['only {0} of {1} given', 'one'],
      ['no placeholder', 'ignored'],
    ];
    for (const [message, ...args] of calls) assert.equal(cached.t(message, ...args), direct.t(message, ...args), message);
  });

  it('keeps a translation and the order it puts the values in', () => {
    const cached = cachedL10n(fakeL10n({ 'Game {0}, upcoming, starts {1}': 'Ab {1}: Spiel {0} (bald)' }));
    assert.equal(cached.t('Game {0}, upcoming, starts {1}', 'Semi', '12:00'), 'Ab 12:00: Spiel Semi (bald)');
  });

  it('never reads a value as a placeholder or a marker: values are put in as they are', () => {
    const cached = cachedL10n(fakeL10n());
    assert.equal(cached.t('Game source {0}', '{1}'), 'Game source {1}');
    assert.equal(cached.t('Game source {0}', '\uE0001\uE001'), 'Game source \uE0001\uE001');
    assert.equal(cached.t('{0}{1}', '$&', "$'"), "$&$'", 'no replacement patterns');
  });

  it('asks l10n once per message, however often and with whatever values it is called', () => {
    const l10n = fakeL10n();
    const cached = cachedL10n(l10n);
    for (let i = 0; i < 100; i++) cached.t('Game source {0}', `s${i}`);
    cached.t('Game {0}, {1}', 'Final', 'closed');
    assert.deepEqual(l10n.lookups, ['Game source {0}', 'Game {0}, {1}']);
    assert.equal(cached.t('Game source {0}', 'last'), 'Game source last');
  });
});
