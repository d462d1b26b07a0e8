// The one line the emulator CLI prints once it listens, and how launchers
// (the extension's local emulator, the test harness) recognise it and find
// the WebSocket URL on the same port: one place, so they always agree.

export function readyLine(url: string): string {
  return `Instamrkt emulator listening on ${url}`;
}

/** Matches the ready line; group 1 is the REST base URL (http://HOST:PORT, or https:// when serving TLS). */
export const READY_LINE = /Instamrkt emulator listening on (https?:\/\/\S+)/;

/** The WebSocket URL beside a REST base from the ready line: ws:// for http://, wss:// for https://. */
export function webSocketUrlFor(restUrl: string): string {
  return restUrl.replace(/^http(s?):/, 'ws$1:');
}
