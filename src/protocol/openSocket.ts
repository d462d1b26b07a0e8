// Opening one WebSocket to the server, and turning everything `ws` can say
// about it into typed outcomes: why it did not open (refused credentials,
// HTTP status, network error), and, once open, why it closed.
import type WebSocket from 'ws';
import type { ClientRequest, IncomingMessage } from 'node:http';
import { AuthenticationError, ConnectionFailedError, describeError, ProtocolError } from './errors';
import { networkFailure, proxyAuthenticationError, type Route } from './network';
import type { WebSocketClass } from './webSocketClass';

export interface SocketHandlers {
  onFrame(data: WebSocket.RawData, isBinary: boolean): void;
  /** The socket closed after it had opened; `why` is the first known cause. */
  onClose(why: string): void;
  /** The server broke the framing or sent an oversize frame; the socket is going down. */
  onProtocolError(error: ProtocolError): void;
}

export interface SocketOptions {
  maxPayload: number;
  handshakeTimeoutMs: number;
  /** The agent (direct or proxy tunnel) and CAs to use. */
  route: Route;
}

/**
 * Starts opening a socket. `opened` resolves on 'open' and rejects with the
 * reason it did not open; `socket` is there at once, so a caller can abort.
 */
export function openSocket(WebSocketClass: WebSocketClass, url: URL, options: SocketOptions, handlers: SocketHandlers): { socket: WebSocket; opened: Promise<void> } {
  const socket = new WebSocketClass(url, {
    maxPayload: options.maxPayload,
    handshakeTimeout: options.handshakeTimeoutMs,
    // No redirects: the digest in the URL must not be replayed to another host.
    followRedirects: false,
    // No compression. PROTOCOL.md does not mention it and the emulator does not offer it, so it
    // would be a path no test runs; a compressed stream that carries a session key alongside
    // text other users chose is what CRIME-style attacks need; and ws itself advises enabling
    // it only where really needed, for its CPU and memory cost. The bundle leaves its code out.
    perMessageDeflate: false,
    agent: options.route.agent,
    ca: options.route.ca,
  });
  const opened = new Promise<void>((resolve, reject) => {
    let settled = false;
    // Before 'open': why the attempt failed. After: why the connection was lost (first cause wins).
    let failure: Error | undefined;
    let lostWhy: string | undefined;

    socket.on('unexpected-response', (_req: ClientRequest, res: IncomingMessage) => {
      const status = res.statusCode ?? 0;
      // Stryker disable next-line CallExpression: terminate() below destroys the response's socket, unread body and all.
      res.resume();
      failure ??=
        status === 401 || status === 403
          ? new AuthenticationError(`The server refused the connection (HTTP ${status}): the session key is wrong or has expired. Sign in again.`)
          : status === 407
            ? proxyAuthenticationError(options.route)
            : new ConnectionFailedError(`The server answered the WebSocket handshake with HTTP ${status}.`, status);
      socket.terminate();
    });
    socket.on('error', (error: Error) => {
      const code = (error as Error & { code?: unknown }).code;
      if (code === 'WS_ERR_UNSUPPORTED_MESSAGE_LENGTH') {
        handlers.onProtocolError(new ProtocolError(`The server sent a frame larger than ${options.maxPayload} bytes; closing the connection.`));
        lostWhy ??= 'the server sent an oversize frame';
      } else if (typeof code === 'string' && code.startsWith('WS_ERR_')) {
        handlers.onProtocolError(new ProtocolError(`The server broke the WebSocket framing (${code}); closing the connection.`));
        lostWhy ??= 'the server broke the WebSocket framing';
      } else if (!settled) {
        failure ??= networkFailure(error, url, options.route);
      } else {
        lostWhy ??= describeError(error);
      }
    });
    socket.on('open', () => {
      // Stryker disable next-line ConditionalExpression: ws emits 'open' at most once and never after 'close', the only other place settled is set.
      if (settled) return;
      settled = true;
      resolve();
    });
    socket.on('message', (data: WebSocket.RawData, isBinary: boolean) => handlers.onFrame(data, isBinary));
    socket.on('close', (code: number, reason: Buffer) => {
      if (!settled) {
        // Never opened: the caller's attempt decides what comes next.
        // Stryker disable next-line BooleanLiteral: nothing reads it after 'close', ws's last event.
        settled = true;
        // Stryker disable next-line StringLiteral: never reached: ws emits 'error' (or 'unexpected-response') before a 'close' that comes before 'open'.
        reject(failure ?? new ConnectionFailedError(`The connection to ${url.host} closed before it opened (code ${code}).`));
        return;
      }
      handlers.onClose(lostWhy ?? closedWhy(code, reason));
    });
  });
  return { socket, opened };
}

/** Why an open socket closed, for the log and the status: 1006 means no close frame came, so the server is not known to have closed it. */
function closedWhy(code: number, reason: Buffer): string {
  // Stryker disable next-line MethodExpression: a close frame's reason is at most 123 bytes (RFC 6455), so slice(0, 200) never cuts it.
  const said = reason.length ? `: ${reason.toString('utf8').slice(0, 200)}` : '';
  return code === 1006 ? 'dropped with code 1006, no close frame: the server stopped or the network failed' : `closed by the server, code ${code}${said}`;
}
