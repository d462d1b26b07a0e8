// Turns the flat target names of create_and_open_game ("Argentina:1" nests
// "1" under "Argentina") into the nested target tree of reply 340, always
// with a top-level `none` target that pools resolve to when nobody wins.
import { randomUUID } from 'node:crypto';
import { TargetRecord } from './state';
import { clip } from './fields';

/** Returns the tree, or the text of a 666 when a name is malformed. */
export function buildTargetTree(names: readonly string[]): TargetRecord[] | string {
  const roots: TargetRecord[] = [];
  for (const name of names) {
    const parts = name.split(':').map((p) => p.trim());
    if (parts.some((p) => p === '')) return `Field "targets" has an empty name in "${clip(name)}".`;
    let level = roots;
    for (const symbol of parts) {
      let node = level.find((t) => t.symbol === symbol);
      if (!node) {
        node = { target_id: randomUUID(), symbol, display_name: symbol, targets: [] };
        level.push(node);
      }
      level = node.targets;
    }
  }
  if (!roots.some((t) => t.symbol === 'none')) roots.push({ target_id: randomUUID(), symbol: 'none', display_name: 'None', targets: [] });
  return roots;
}

/** Every target id in the tree. */
export function targetIds(tree: readonly TargetRecord[], into: Set<string> = new Set()): Set<string> {
  for (const t of tree) {
    into.add(t.target_id);
    targetIds(t.targets, into);
  }
  return into;
}
