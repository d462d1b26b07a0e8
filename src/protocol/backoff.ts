// The reconnect schedule: exponential growth from an initial delay, capped,
// with random jitter so many clients cut off together do not return together.

export interface BackoffOptions {
  /** Delay before the first retry. */
  initialDelayMs: number;
  /** No delay is ever longer than this, jitter included. */
  maxDelayMs: number;
  /** Each further failure multiplies the delay by this. */
  factor: number;
  /** Fraction (0..1): the delay is moved by up to ± this share of itself. */
  jitter: number;
}

export const DEFAULT_BACKOFF: Readonly<BackoffOptions> = Object.freeze({
  initialDelayMs: 1000,
  maxDelayMs: 60_000,
  factor: 2,
  jitter: 0.25,
});

/**
 * The delay before retry number `attempt` (0 for the first retry after a
 * failure). `random` returns a number in [0, 1), as Math.random does.
 */
export function backoffDelay(attempt: number, options: BackoffOptions, random: () => number = Math.random): number {
  const { initialDelayMs, maxDelayMs, factor, jitter } = options;
  const exponent = Math.max(0, Math.floor(attempt));
  // Math.min before multiplying by jitter keeps huge attempt counts from overflowing to Infinity/NaN.
  const base = Math.min(maxDelayMs, initialDelayMs * Math.pow(Math.max(1, factor), Math.min(exponent, 1000)));
  const spread = Math.min(1, Math.max(0, jitter));
  const r = Math.min(1, Math.max(0, random()));
  const jittered = base * (1 + spread * (2 * r - 1));
  return Math.round(Math.max(0, Math.min(maxDelayMs, jittered)));
}

/** Checks caller-given backoff options; returns a message for the first bad one, or undefined. */
export function backoffProblem(options: BackoffOptions): string | undefined {
  const { initialDelayMs, maxDelayMs, factor, jitter } = options;
  if (!(Number.isFinite(initialDelayMs) && initialDelayMs >= 0)) return 'reconnect.initialDelayMs must be a number ≥ 0';
  if (!(Number.isFinite(maxDelayMs) && maxDelayMs >= initialDelayMs)) return 'reconnect.maxDelayMs must be a number ≥ initialDelayMs';
  if (!(Number.isFinite(factor) && factor >= 1)) return 'reconnect.factor must be a number ≥ 1';
  if (!(Number.isFinite(jitter) && jitter >= 0 && jitter <= 1)) return 'reconnect.jitter must be between 0 and 1';
  return undefined;
}
