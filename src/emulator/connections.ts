// One WebSocket client of the emulator (its user, logon state and a FIFO
// queue that runs its requests one at a time, so replies leave in the order
// requests arrived even when handling waits for the state file), and the
// registry of all of them, by user, for broadcasts and auto-logon.
import { randomBytes } from 'node:crypto';
import { WebSocket } from 'ws';

/** A client that stops reading gets cut off rather than growing our memory without bound. */
const MAX_BUFFERED_BYTES = 64 * 1024 * 1024;
/** A client that sends faster than we answer is slowed down (its socket paused), never dropped. */
const PAUSE_AT_QUEUED = 1000;
const RESUME_AT_QUEUED = 100;

export type Task = () => Promise<void> | void;

export class Connection {
  loggedOn = false;
  /** What reply 100 hands out: a per-connection token, so the REST session key never travels on the socket. */
  readonly logonToken = randomBytes(16).toString('hex');
  private readonly queue: Task[] = [];
  private head = 0;
  private draining = false;

  constructor(
    readonly ws: WebSocket,
    readonly userId: number,
    /** The session whose key the handshake digest proved. */
    readonly sessionKey: string,
    private readonly onTaskError: (err: unknown) => void,
  ) {}

  get isOpen(): boolean {
    return this.ws.readyState === WebSocket.OPEN;
  }

  send(message: object): void {
    if (!this.isOpen) return;
    this.ws.send(JSON.stringify(message));
    if (this.ws.bufferedAmount > MAX_BUFFERED_BYTES) this.ws.terminate();
  }

  enqueue(task: Task): void {
    this.queue.push(task);
    if (this.queue.length - this.head >= PAUSE_AT_QUEUED && !this.ws.isPaused) this.ws.pause();
    if (!this.draining) void this.drain();
  }

  private async drain(): Promise<void> {
    this.draining = true;
    try {
      while (this.head < this.queue.length) {
        const task = this.queue[this.head];
        this.queue[this.head++] = noop;
        try {
          await task();
        } catch (err) {
          this.onTaskError(err);
        }
        if (this.ws.isPaused && this.queue.length - this.head <= RESUME_AT_QUEUED) this.ws.resume();
      }
    } finally {
      this.queue.length = 0;
      this.head = 0;
      this.draining = false;
      if (this.ws.isPaused) this.ws.resume();
    }
  }
}

function noop(): void {}

export class ConnectionRegistry {
  private readonly byUser = new Map<number, Set<Connection>>();
  private readonly everyone = new Set<Connection>();

  add(conn: Connection): void {
    this.everyone.add(conn);
    let set = this.byUser.get(conn.userId);
    if (!set) {
      set = new Set();
      this.byUser.set(conn.userId, set);
    }
    set.add(conn);
  }

  remove(conn: Connection): void {
    this.everyone.delete(conn);
    const set = this.byUser.get(conn.userId);
    if (set) {
      set.delete(conn);
      if (set.size === 0) this.byUser.delete(conn.userId);
    }
  }

  get size(): number {
    return this.everyone.size;
  }

  all(): Connection[] {
    return [...this.everyone];
  }

  hasLoggedOn(userId: number): boolean {
    for (const c of this.byUser.get(userId) ?? []) if (c.loggedOn) return true;
    return false;
  }

  /** The logged-on connections of these users. */
  loggedOnOf(userIds: Iterable<number>): Connection[] {
    const out: Connection[] = [];
    for (const id of userIds) for (const c of this.byUser.get(id) ?? []) if (c.loggedOn && c.isOpen) out.push(c);
    return out;
  }
}

/** A server message: the documented envelope around a response code and its fields. */
export function envelope(res: number, body: Record<string, unknown>, t: number): Record<string, unknown> {
  return { response_header: { t }, res, ...body };
}
