// What the in-host tree benchmark hands to the launcher (a JSON file). No
// `vscode` here: the launcher reads it too.

/** Written by bench/inhost/tree.test.ts; every time in milliseconds. */
export interface TreeFigures {
  /** Rows at the root after the 10,000 were opened (the demo source included). */
  readonly rows: number;
  /** Opening the sources on the emulator through a second client (setup, not a goal). */
  readonly openMs: number;
  /** `await service.refresh()`: op 611 round trip, decode, model, sort, cache. */
  readonly refreshMs: readonly number[];
  /** The op 611 round trip and decode alone (the extension's client), to split the refresh. */
  readonly roundTripMs: readonly number[];
  /** getChildren() of the root plus getTreeItem() of every row, repeated. */
  readonly buildMs: readonly number[];
  /** The getChildren() part of each build. */
  readonly childrenMs: readonly number[];
}

export function isTreeFigures(value: unknown): value is TreeFigures {
  if (!value || typeof value !== 'object') return false;
  const v = value as Record<string, unknown>;
  const numbers = (x: unknown): boolean => Array.isArray(x) && x.every((n) => typeof n === 'number');
  return typeof v.rows === 'number' && typeof v.openMs === 'number' && numbers(v.refreshMs) && numbers(v.roundTripMs) && numbers(v.buildMs) && numbers(v.childrenMs);
}

export { max, median } from '../figures';
