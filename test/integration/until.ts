// Polling with a deadline, for the in-host tests: what VS Code and the emulator do happens asynchronously.

/** Resolves with the first value of `check` that is neither undefined nor false; throws after `timeoutMs`. */
export async function until<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 10_000): Promise<T> {
  const end = Date.now() + timeoutMs;
  for (;;) {
    const value = await check();
    if (value !== undefined && value !== false) return value;
    if (Date.now() > end) throw new Error(`Timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 25));
  }
}

/**
 * Checks `check` again and again until `endsAt` (epoch ms) and fails at the
 * first false: for "stays so for as long as the held reply could still come".
 */
export async function holds(what: string, check: () => boolean, endsAt: number, describe: () => string = () => ''): Promise<void> {
  for (;;) {
    if (!check()) throw new Error(`No longer true: ${what}${describe() ? `; now ${describe()}` : ''}`);
    if (Date.now() > endsAt) return;
    await new Promise((r) => setTimeout(r, 25));
  }
}
