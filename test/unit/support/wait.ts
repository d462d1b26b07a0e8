// Waiting without sleeping: for a condition (polled against a deadline) or for the next firing of an event.
import type { Event } from '../../../src/protocol/events';

export async function waitFor(condition: () => boolean, what: string, deadlineMs = 5000): Promise<void> {
  const end = Date.now() + deadlineMs;
  while (!condition()) {
    if (Date.now() > end) throw new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** Resolves with the first event that passes `filter`, or rejects after the deadline. */
export function nextEvent<T>(event: Event<T>, filter: (e: T) => boolean = () => true, what = 'an event', deadlineMs = 5000): Promise<T> {
  return new Promise<T>((resolve, reject) => {
    const timer = setTimeout(() => {
      sub.dispose();
      reject(new Error(`Timed out after ${deadlineMs} ms waiting for ${what}`));
    }, deadlineMs);
    const sub = event((e) => {
      if (!filter(e)) return;
      clearTimeout(timer);
      sub.dispose();
      resolve(e);
    });
  });
}
