// Which names a close asks the user to type after the modal: a pure function
// of the mode and what each source hosts (no `vscode`), so unit tests check
// every case. What is at stake is live or upcoming games, or games that could
// not be read (then every game it hosts would close).
import type { CloseConfirmation } from '../host/config';

export interface Stakes {
  name: string;
  active?: readonly unknown[];
  upcoming?: readonly unknown[];
  countError?: string;
}

export const hasStakes = (t: Stakes): boolean => t.countError !== undefined || (t.active?.length ?? 0) + (t.upcoming?.length ?? 0) > 0;

/**
 * `modal`: none. `typeName`: each source at stake, in turn. `auto`: the one
 * source at stake, or for several sources one name shown in the prompt (the
 * first source at stake). Sources without games never need a typed name.
 */
export function namesToType(targets: readonly Stakes[], mode: CloseConfirmation): string[] {
  const staked = targets.filter(hasStakes).map((t) => t.name);
  if (mode === 'modal' || staked.length === 0) return [];
  return mode === 'auto' ? staked.slice(0, 1) : staked;
}
