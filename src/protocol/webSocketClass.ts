// The `ws` WebSocket class, loaded with the first RequestChannel rather than
// at activation: a signed-out user, or one who never connects in a window,
// never evaluates it, and no caller has to remember to load it. The extension
// bundle keeps `ws` apart as dist/ws.js (esbuild.mjs, `wsApart`), and this
// dynamic import becomes a require of it.

async function importWebSocket() {
  return (await import('ws')).WebSocket;
}

export type WebSocketClass = Awaited<ReturnType<typeof importWebSocket>>;

let loaded: WebSocketClass | undefined;

/** Loads `ws` once; later calls return the same class. */
export async function loadWebSocketClass(): Promise<WebSocketClass> {
  loaded ??= await importWebSocket();
  return loaded;
}
