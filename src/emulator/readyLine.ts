// The one line the emulator CLI prints once it listens, and how launchers
// (the extension's local emulator, the test harness) recognise it.

export function readyLine(url: string): string {
  return `Instamrkt emulator listening on ${url}`;
}

/** Matches the ready line; group 1 is the REST base URL (http://HOST:PORT). */
export const READY_LINE = /Instamrkt emulator listening on (http:\/\/\S+)/;
