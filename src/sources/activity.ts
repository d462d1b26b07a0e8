// One log line per thing the user does or sees happen (sign-in, sign-out,
// open, close): what, its outcome and how long it took, at a level the log
// shows by default. Callers name things by username, source name or id,
// never by a secret (and every line still passes the redactor).
import { errorMessage, formatDuration } from '../protocol';

export interface ActivityLogger {
  info(message: string): void;
  warn(message: string): void;
}

/**
 * Runs `work` and logs "<what>: <outcome> in <duration>": `done` (or what
 * `outcome` says of the result) at info, a failure at warn with its reason,
 * and a cancellation by a later intent (code "superseded") at info.
 */
export async function logged<T>(logger: ActivityLogger, what: string, work: () => Promise<T>, outcome: (result: T) => string = () => 'done', now: () => number = () => performance.now()): Promise<T> {
  const start = now();
  const took = (): string => formatDuration(now() - start);
  let result: T;
  try {
    result = await work();
  } catch (err) {
    if ((err as { code?: unknown } | undefined)?.code === 'superseded') logger.info(`${what}: cancelled after ${took()} (${errorMessage(err)})`);
    else logger.warn(`${what}: failed after ${took()}: ${errorMessage(err)}`);
    throw err;
  }
  logger.info(`${what}: ${outcome(result)} in ${took()}`);
  return result;
}
