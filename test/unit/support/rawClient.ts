// A deliberately thin test client for the Instamrkt wire protocol: Node's
// fetch for REST (node:https when a test CA must be trusted) and a bare `ws`
// socket for the API, with an inbox that tests await message by message. It
// speaks the protocol by hand so tests of the emulator do not depend on the
// real client.
import * as https from 'node:https';
import { WebSocket } from 'ws';
import { handshakeDigest } from '../../../src/protocol/handshake';

export type Message = Record<string, unknown> & { res: number };

const DEFAULT_WAIT_MS = 5000;

/** A frame without its envelope header (whose `t` varies), for exact comparisons. */
export function bare(m: Message): Record<string, unknown> {
  const out: Record<string, unknown> = { ...m };
  delete out.response_header;
  return out;
}

/** Trust settings for https:// and wss:// test servers: the test CA (PEM). */
export interface TlsTrust {
  ca?: string;
}

interface Reply {
  status: number;
  cookies: string[];
  text: string;
}

/** One HTTP exchange: fetch, or node:https with the test CA (fetch cannot be given a CA). */
function exchange(url: string, init: { method?: string; headers?: Record<string, string>; body?: string }, trust: TlsTrust): Promise<Reply> {
  if (trust.ca === undefined) {
    return fetch(url, init).then(async (res) => ({ status: res.status, cookies: res.headers.getSetCookie(), text: await res.text() }));
  }
  return new Promise((resolve, reject) => {
    const req = https.request(url, { method: init.method ?? 'GET', headers: init.headers, ca: trust.ca }, (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, cookies: res.headers['set-cookie'] ?? [], text: Buffer.concat(chunks).toString('utf8') }));
      res.on('error', reject);
    });
    req.on('error', reject);
    req.end(init.body);
  });
}

/** GET / and return the `_xsrf` token the server set. */
export async function fetchXsrf(baseUrl: string, trust: TlsTrust = {}): Promise<string> {
  const res = await exchange(`${baseUrl}/`, {}, trust);
  const cookie = res.cookies.find((c) => c.startsWith('_xsrf='));
  if (!cookie) throw new Error('no _xsrf cookie');
  return cookie.slice('_xsrf='.length).split(';')[0];
}

export interface Session {
  id: number;
  key: string;
}

/** POST /r/login/ with a valid xsrf pair; throws on anything but 200. */
export async function login(baseUrl: string, username: string, password: string, trust: TlsTrust = {}): Promise<Session> {
  const xsrf = await fetchXsrf(baseUrl, trust);
  const res = await exchange(
    `${baseUrl}/r/login/`,
    {
      method: 'POST',
      headers: { 'Content-Type': 'application/json', Cookie: `_xsrf=${xsrf}`, 'X-XSRFToken': xsrf },
      body: JSON.stringify({ username, password }),
    },
    trust,
  );
  if (res.status !== 200) throw new Error(`login failed: ${res.status}`);
  const body = JSON.parse(res.text) as { id: number; user_session_key: string };
  return { id: body.id, key: body.user_session_key };
}

let nonceCounter = 0;
export function freshNonce(): string {
  return `${Date.now()}-${process.pid}-${++nonceCounter}`;
}

export function handshakeUrl(wsUrl: string, session: Session, nonce: string = freshNonce(), digest?: string): string {
  const id = String(session.id);
  const h = digest ?? handshakeDigest(id, nonce, session.key);
  return `${wsUrl}/?id=${encodeURIComponent(id)}&n=${encodeURIComponent(nonce)}&h=${h}`;
}

/** Opens a WebSocket expecting the server to refuse it; resolves with the HTTP status and body. */
export function expectRefusedUpgrade(url: string): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const ws = new WebSocket(url);
    ws.on('open', () => {
      ws.terminate();
      reject(new Error('the upgrade was accepted'));
    });
    ws.on('unexpected-response', (_req, res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        resolve({ status: res.statusCode ?? 0, body: Buffer.concat(chunks).toString('utf8') });
        ws.terminate();
      });
    });
    ws.on('error', () => undefined);
  });
}

export class RawClient {
  private readonly inbox: Message[] = [];
  private waiters: Array<() => void> = [];
  closed = false;

  private constructor(readonly ws: WebSocket) {
    ws.on('message', (data, isBinary) => {
      // Anything that is not a JSON object is kept as res -1 so a test can see it and fail on it.
      let parsed: unknown;
      try {
        parsed = isBinary ? undefined : JSON.parse((data as Buffer).toString('utf8'));
      } catch {
        parsed = undefined;
      }
      this.inbox.push(typeof parsed === 'object' && parsed !== null && !Array.isArray(parsed) ? (parsed as Message) : { res: -1 });
      this.wake();
    });
    ws.on('close', () => {
      this.closed = true;
      this.wake();
    });
    ws.on('error', () => undefined);
  }

  private wake(): void {
    const w = this.waiters;
    this.waiters = [];
    for (const f of w) f();
  }

  static open(url: string, trust: TlsTrust = {}): Promise<RawClient> {
    return new Promise((resolve, reject) => {
      const ws = new WebSocket(url, { maxPayload: 64 * 1024 * 1024, ca: trust.ca });
      const client = new RawClient(ws);
      ws.once('open', () => resolve(client));
      ws.once('unexpected-response', (_req, res) => reject(new Error(`upgrade refused: ${res.statusCode}`)));
      ws.once('error', reject);
    });
  }

  /** Handshake + op 100, expecting 100 or 112. */
  static async connect(wsUrl: string, session: Session, options: { logon?: boolean } & TlsTrust = {}): Promise<RawClient> {
    const client = await RawClient.open(handshakeUrl(wsUrl, session), options);
    if (options.logon !== false) {
      const reply = await client.request(100);
      if (reply.res !== 100 && reply.res !== 112) throw new Error(`logon failed: ${JSON.stringify(reply)}`);
    }
    return client;
  }

  send(op: number, params: Record<string, unknown> = {}): void {
    this.ws.send(JSON.stringify({ header: { t: Date.now(), api_version: 1.0 }, op, ...params }));
  }

  sendRaw(data: string | Buffer, binary = false): void {
    this.ws.send(data, { binary });
  }

  /** The next message (optionally the next one matching), removed from the inbox. */
  async next(match: (m: Message) => boolean = () => true, timeoutMs = DEFAULT_WAIT_MS): Promise<Message> {
    const deadline = Date.now() + timeoutMs;
    for (;;) {
      const i = this.inbox.findIndex(match);
      if (i >= 0) return this.inbox.splice(i, 1)[0];
      if (this.closed) throw new Error('connection closed while waiting for a message');
      const left = deadline - Date.now();
      if (left <= 0) throw new Error(`no matching message within ${timeoutMs} ms; inbox: ${JSON.stringify(this.inbox).slice(0, 500)}`);
      await new Promise<void>((resolve) => {
        const timer = setTimeout(resolve, left);
        this.waiters.push(() => {
          clearTimeout(timer);
          resolve();
        });
      });
    }
  }

  /** The next message with this `res`. */
  nextRes(res: number, timeoutMs?: number): Promise<Message> {
    return this.next((m) => m.res === res, timeoutMs);
  }

  /** Sends a request and returns the next message of any kind (tests that expect no broadcasts in between). */
  async request(op: number, params: Record<string, unknown> = {}): Promise<Message> {
    this.send(op, params);
    return this.next();
  }

  /** Messages received and not yet taken. */
  pending(): Message[] {
    return [...this.inbox];
  }

  close(): Promise<void> {
    if (this.closed) return Promise.resolve();
    return new Promise((resolve) => {
      this.ws.once('close', () => resolve());
      this.ws.close();
    });
  }
}
