// The `ws` WebSocket class, loaded on the first connect rather than at
// activation: a signed-out user, or one who never connects in a window, never
// evaluates it. The extension bundle keeps `ws` apart as dist/ws.js
// (esbuild.mjs, `wsApart`), and this dynamic import becomes a require of it.

async function importWebSocket() {
  return (await import('ws')).WebSocket;
}

type WebSocketClass = Awaited<ReturnType<typeof importWebSocket>>;

let loaded: WebSocketClass | undefined;

/** Loads `ws` once; later calls return the same class. */
export async function loadWebSocketClass(): Promise<WebSocketClass> {
  loaded ??= await importWebSocket();
  return loaded;
}

/** The class, once loadWebSocketClass() has resolved; a connect that skipped it is a bug. */
export function webSocketClass(): WebSocketClass {
  if (!loaded) throw new Error('The ws module is not loaded yet: await loadWebSocketClass() before opening a socket.');
  return loaded;
}
