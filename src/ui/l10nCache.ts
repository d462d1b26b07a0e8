// vscode.l10n.t looks up its message and fills in the values with a regular
// expression on every call; a tree of 10,000 rows calls it once per row. This
// asks VS Code once per message, with markers in place of the values, and
// then fills the values in by concatenation: the same text, translations
// (and the order they put the values in) included.
import type { L10n } from './labels';

/** A marker no message holds: index `i` between two private-use characters. */
const marker = (i: number): string => `\uE000${i}\uE001`;

export function cachedL10n(l10n: L10n): L10n {
  /** Per message: its translated text, cut at the markers; odd entries are value indexes. */
  const templates = new Map<string, Array<string | number>>();
  return {
    t(message: string, ...args: Array<string | number | boolean>): string {
      let parts = templates.get(message);
      if (!parts) {
        // Markers for a generous number of values, so that a translation using more than this call passed still lines up.
        const text = l10n.t(message, ...Array.from({ length: Math.max(args.length, 10) }, (_, i) => marker(i)));
        parts = text.split(/\uE000(\d+)\uE001/).map((part, i) => (i % 2 === 1 ? Number(part) : part));
        templates.set(message, parts);
      }
      let out = '';
      for (let i = 0; i < parts.length; i++) out += i % 2 === 1 ? String(args[parts[i] as number] ?? `{${parts[i]}}`) : parts[i];
      return out;
    },
  };
}
