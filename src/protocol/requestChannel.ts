// One socket's requests and replies: sends requests, hands each frame from the
// server to the pure RequestQueue to learn what it answers, and acts on that
// decision. One timer, for the earliest deadline, however many requests are in
// flight; it is not cleared when a request settles (clearing and setting it
// for every request cost a tenth of a round trip), only when the channel closes. A channel lives exactly as long as its socket: once closed it
// ignores whatever that socket still delivers, so nothing late is ever matched.
// The `ws` library loads with the first channel (webSocketClass.ts), so no
// caller has to think of it.
import type WebSocket from 'ws';
import { CodeTable, OpName, ResName } from './codes';
import { ConnectionLostError, ProtocolError, RequestTimeoutError } from './errors';
import { decodeFrame, encodeRequest, MessageOf, ServerMessage } from './messages';
import { openSocket } from './openSocket';
import { loadWebSocketClass } from './webSocketClass';
import { EchoIds, PendingRequest, rawEchoIds, RequestQueue } from './requestQueue';
import type { Logger } from './clientOptions';
import type { Route } from './network';

interface Ticket {
  resolve(message: ServerMessage): void;
  reject(error: Error): void;
}

export interface ChannelHooks {
  onEvent(message: ServerMessage): void;
  /** `dropped` says why a malformed frame was charged to no request; undefined when it failed one. */
  onProtocolError(error: ProtocolError, dropped?: string): void;
  /** Requests passed their deadline; each is already rejected with RequestTimeoutError. */
  onTimeout(channel: RequestChannel, expired: readonly PendingRequest<unknown>[]): void;
  /** The socket closed after it had opened (not by close()). */
  onClose(channel: RequestChannel, why: string): void;
  log(level: keyof Logger, message: string): void;
}

export interface ChannelOptions {
  maxPayload: number;
  requestTimeoutMs: number;
  route: Route;
}

export class RequestChannel {
  /** This connection's code table: the documented one until its get_opcodes answers. */
  codes: CodeTable = CodeTable.documented;
  /** Resolves when the socket opens; rejects with the reason it did not. */
  readonly opened: Promise<void>;
  /** There once `ws` has loaded (at once after the first channel). */
  #socket: WebSocket | undefined;
  readonly #queue = new RequestQueue<Ticket>();
  readonly #timeoutMs: number;
  readonly #hooks: ChannelHooks;
  #timer: NodeJS.Timeout | undefined;
  #timerAt = Infinity;
  #closed = false;

  constructor(url: URL, options: ChannelOptions, hooks: ChannelHooks) {
    this.#timeoutMs = options.requestTimeoutMs;
    this.#hooks = hooks;
    this.opened = loadWebSocketClass().then((WebSocketClass) => {
      if (this.#closed) throw new ConnectionLostError('closed before it opened');
      const { socket, opened } = openSocket(
        WebSocketClass,
        url,
        { maxPayload: options.maxPayload, handshakeTimeoutMs: options.requestTimeoutMs, route: options.route },
        {
          onFrame: (data, isBinary) => this.#onFrame(data, isBinary),
          onClose: (why) => {
            if (!this.#closed) hooks.onClose(this, why);
          },
          onProtocolError: (error) => {
            if (!this.#closed) hooks.onProtocolError(error);
          },
        },
      );
      this.#socket = socket;
      return opened;
    });
  }

  /** Open and not closed: requests can be sent. */
  get isOpen(): boolean {
    const socket = this.#socket;
    return !this.#closed && socket !== undefined && socket.readyState === socket.OPEN;
  }

  get pendingCount(): number {
    return this.#queue.size;
  }

  /** Sends one request; settles with its reply, a typed refusal, a timeout, or the channel's closing error. Never re-sent. */
  send<K extends ResName>(opName: OpName, params: Record<string, unknown>, expected: readonly K[], echo: EchoIds): Promise<MessageOf<K>> {
    if (!this.isOpen) return Promise.reject(new ConnectionLostError());
    const codes = this.codes;
    return new Promise<MessageOf<K>>((resolve, reject) => {
      const entry = this.#queue.add({
        opName,
        expected: expected.map((name) => codes.res(name)),
        echo,
        deadline: performance.now() + this.#timeoutMs,
        ticket: { resolve: resolve as (message: ServerMessage) => void, reject },
      });
      this.#arm(entry.deadline);
      this.#hooks.log('trace', `→ ${opName}`);
      // Stryker disable next-line OptionalChaining,BlockStatement: isOpen above means the socket is there; the callback only writes a debug line.
      this.#socket?.send(encodeRequest(codes.op(opName), params), (error) => {
        // A failed write means the socket is going down; its 'close' fails everything pending.
        // Stryker disable next-line ConditionalExpression,StringLiteral: it decides only whether (and at which level) a debug line is written.
        if (error) this.#hooks.log('debug', `Write of ${opName} failed: ${error.message}`);
      });
    });
  }

  /**
   * Closes the socket (gracefully with `reason` when open, else at once) and
   * fails every pending request with `error`. Idempotent.
   */
  close(error: Error, reason?: string): void {
    // Stryker disable next-line ConditionalExpression: a second close finds nothing pending and the socket closing or gone (its close frame, if any, already sent): nothing a caller or the server sees changes.
    if (this.#closed) return;
    this.#closed = true;
    this.#disarm();
    const socket = this.#socket;
    // Stryker disable next-line ConditionalExpression: before 'open' ws's close() aborts the handshake just as terminate() does, and a closed socket ignores both.
    if (socket && reason !== undefined && socket.readyState === socket.OPEN) socket.close(1000, reason);
    else socket?.terminate();
    for (const entry of this.#queue.drain()) entry.ticket.reject(error);
  }

  #onFrame(data: WebSocket.RawData, isBinary: boolean): void {
    if (this.#closed) return;
    const decoded = decodeFrame(data, isBinary, this.codes);
    // Stryker disable next-line ConditionalExpression,LogicalOperator: the queue reads the ids of a malformed frame with a code only (#matchMalformed); read for others they go unused.
    const ids = decoded instanceof ProtocolError && decoded.res !== undefined ? idsOfRawFrame(data) : undefined;
    // Stryker disable next-line ConditionalExpression,BooleanLiteral: it decides only whether a trace line is written.
    if (!(decoded instanceof ProtocolError)) this.#hooks.log('trace', `← ${decoded.name ?? 'unknown'} (${decoded.res})`);
    const decision = this.#queue.match(decoded, ids);
    switch (decision.kind) {
      case 'resolve':
        decision.entry.ticket.resolve(decision.message);
        return;
      case 'reject':
        if (decision.error instanceof ProtocolError) this.#hooks.onProtocolError(decision.error);
        decision.entry.ticket.reject(decision.error);
        return;
      case 'event':
        this.#hooks.onEvent(decision.message);
        return;
      case 'drop':
        this.#hooks.onProtocolError(decision.error, decision.why);
        return;
    }
  }

  // ---- The one timer: armed for the earliest deadline, rearmed lazily, never holding the process open ----

  #arm(deadline: number): void {
    // (`this.#timer !== undefined` could go as well, since #timerAt is Infinity exactly when no timer is armed;
    // Stryker's `true` for it survives, unmarked: a mark on its line would also hide the whole condition's mutants, which tests kill.)
    if (
      // Stryker disable next-line LogicalOperator: deadlines only grow (one timeout for every request), so an armed timer is never due after a new deadline.
      this.#timer !== undefined &&
      // Stryker disable next-line ConditionalExpression,EqualityOperator: as above; and re-arming for the same instant changes nothing.
      this.#timerAt <= deadline
    )
      return;
    // Stryker disable next-line CallExpression: the timer is never armed here (see above), so there is nothing to clear.
    this.#disarm();
    this.#timerAt = deadline;
    // Node may fire a timer a little before performance.now() reaches it; #onTimer then rearms.
    this.#timer = setTimeout(() => this.#onTimer(), Math.max(1, Math.ceil(deadline - performance.now())));
    this.#timer.unref();
  }

  #disarm(): void {
    if (this.#timer !== undefined) clearTimeout(this.#timer);
    this.#timer = undefined;
    this.#timerAt = Infinity;
  }

  #onTimer(): void {
    this.#timer = undefined;
    this.#timerAt = Infinity;
    // Stryker disable next-line ConditionalExpression: close() clears the timer, so it never fires on a closed channel.
    if (this.#closed) return;
    const expired = this.#queue.expire(performance.now());
    if (expired.length > 0) {
      for (const entry of expired) entry.ticket.reject(new RequestTimeoutError(entry.opName, this.#timeoutMs));
      this.#hooks.onTimeout(this, expired);
    }
    const next = this.#closed ? undefined : this.#queue.nextDeadline();
    if (next !== undefined) this.#arm(next);
  }
}

/** The ids a frame the decoder refused carries, if it is JSON at all. (ws hands a client socket's frames over as one Buffer.) */
function idsOfRawFrame(data: WebSocket.RawData): EchoIds {
  if (!Buffer.isBuffer(data)) return {};
  // Stryker disable next-line BlockStatement: the catch is never reached (a frame with a code was parsed as JSON), and undefined ids are none for the queue.
  try { return rawEchoIds(JSON.parse(data.toString('utf8'))); } catch { return {}; }
}
