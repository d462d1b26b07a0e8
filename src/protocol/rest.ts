// Sign-in over REST (PROTOCOL.md §2): fetch the `_xsrf` anti-forgery cookie,
// then POST /r/login/ or /r/logout/ with it as cookie and X-XSRFToken header,
// over the same route (proxy, CAs) as the WebSocket (httpExchange.ts).
import { checkRestUrl } from './handshake';
import { isObj, type Obj } from './fields';
import { AuthenticationError, ConnectionFailedError, InvalidArgumentError, ProtocolError } from './errors';
import { exchange, type Exchange, type Reply } from './httpExchange';
import { routeFor, type NetworkOptions, type Route } from './network';
import type { ProxyDecision } from './proxy';
import type { TlsDetails } from './tlsProblems';

export interface RestOptions {
  /** Per HTTP call, including the `_xsrf` fetch. */
  timeoutMs?: number;
  /** Proxy settings and trusted CAs (see network.ts); default: no proxy settings, the process environment. */
  network?: NetworkOptions;
}

export interface LoginResult {
  userId: string;
  username: string;
  sessionKey: string;
  redirectUrl?: string;
}

export const DEFAULT_REST_TIMEOUT_MS = 15_000;

/** Largest reply body read; a sign-in reply is a few hundred bytes. */
const MAX_REPLY_BYTES = 1 << 20;



export class RestClient {
  readonly #base: URL;
  readonly #timeoutMs: number;
  readonly #network: NetworkOptions | undefined;
  #route: Promise<Route> | undefined;
  #xsrf: string | undefined;

  /** Throws InsecureUrlError for http:// to a host that is not loopback. */
  constructor(baseUrl: string, options: RestOptions = {}) {
    this.#base = checkRestUrl(baseUrl);
    this.#timeoutMs = options.timeoutMs ?? DEFAULT_REST_TIMEOUT_MS;
    this.#network = options.network;
    if (!(Number.isFinite(this.#timeoutMs) && this.#timeoutMs > 0)) throw new InvalidArgumentError('timeoutMs must be a positive number.');
  }

  /** Wrong credentials reject with AuthenticationError carrying the server's own reason. */
  async login(username: string, password: string): Promise<LoginResult> {
    if (typeof username !== 'string' || username.trim() === '') throw new InvalidArgumentError('A user name is required.');
    if (typeof password !== 'string' || password === '') throw new InvalidArgumentError('A password is required.');
    const { status, body } = await this.#post('/r/login/', { username, password });
    if (status !== 200) throw this.#failure('Sign-in', status, body);
    if (!isObj(body)) throw new ProtocolError('The sign-in reply is not a JSON object.');
    const id = body.id;
    const userId = typeof id === 'number' && Number.isSafeInteger(id) ? String(id) : typeof id === 'string' && id !== '' ? id : undefined;
    if (userId === undefined) throw new ProtocolError('The sign-in reply has no user id.');
    if (typeof body.user_session_key !== 'string' || body.user_session_key === '') throw new ProtocolError('The sign-in reply has no session key.');
    return {
      userId,
      username: typeof body.username === 'string' ? body.username : username,
      sessionKey: body.user_session_key,
      redirectUrl: typeof body.redirect_url === 'string' ? body.redirect_url : undefined,
    };
  }

  async logout(sessionKey: string): Promise<void> {
    if (typeof sessionKey !== 'string' || sessionKey === '') throw new InvalidArgumentError('A session key is required to sign out.');
    const { status, body } = await this.#post('/r/logout/', undefined, sessionKey);
    if (status < 200 || status > 299) throw this.#failure('Sign-out', status, body);
  }

  #failure(what: string, status: number, body: unknown): Error {
    // The server's reason is shown as is; it never contains what we sent (password or key).
    const msg = isObj(body) && typeof body.msg === 'string' && body.msg.trim() !== '' ? body.msg.trim() : undefined;
    if (status === 401 || status === 403) return new AuthenticationError(msg ?? `${what} refused by the server (HTTP ${status}).`);
    return new ConnectionFailedError(`${what} failed: HTTP ${status}${msg ? ` — ${msg}` : ''}.`, status);
  }

  /**
   * GET / once, as the sign-in does first: whether the server is reachable
   * over this route, with the TLS connection's details (https) and the proxy
   * decision. For a connection diagnostic; sends no credentials.
   */
  async probe(): Promise<{ status: number; tls?: TlsDetails; decision: ProxyDecision; xsrf: boolean }> {
    const route = await this.#routeOnce();
    const reply = await this.#send('/', 'GET', {});
    return { status: reply.status, tls: reply.tls, decision: route.decision, xsrf: readCookie(reply.cookies, '_xsrf') !== undefined };
  }

  /** The anti-forgery token, fetched once per client with a plain GET /. */
  async #xsrfToken(): Promise<string> {
    if (this.#xsrf !== undefined) return this.#xsrf;
    const res = await this.#send('/', 'GET', {});
    const token = readCookie(res.cookies, '_xsrf');
    if (token === undefined) throw new ProtocolError(`The server did not set the _xsrf cookie (HTTP ${res.status} from GET /).`);
    this.#xsrf = token;
    return token;
  }

  async #post(path: string, json: Obj | undefined, sessionKey?: string): Promise<{ status: number; body: unknown }> {
    const token = await this.#xsrfToken();
    const cookies = [`_xsrf=${token}`];
    if (sessionKey !== undefined) cookies.push(`user_session_key=${encodeURIComponent(sessionKey)}`);
    const headers: Record<string, string> = { 'X-XSRFToken': token, Cookie: cookies.join('; '), Accept: 'application/json' };
    if (json !== undefined) headers['Content-Type'] = 'application/json';
    const res = await this.#send(path, 'POST', headers, json === undefined ? undefined : JSON.stringify(json));
    // An anti-forgery refusal may mean the token expired: forget it so the next call fetches a fresh one.
    if (res.status === 403) this.#xsrf = undefined;
    const text = res.text;
    if (text.trim() === '') return { status: res.status, body: undefined };
    try {
      return { status: res.status, body: JSON.parse(text) as unknown };
    } catch {
      if (res.status === 200) throw new ProtocolError(`The reply to ${path} is not JSON (HTTP ${res.status}).`);
      return { status: res.status, body: undefined };
    }
  }

  /** The route to this server (proxy or direct), decided once per client: a sign-in's calls all take the same path. */
  #routeOnce(): Promise<Route> {
    this.#route ??= routeFor(this.#base, this.#network);
    return this.#route;
  }

  async #send(path: string, method: Exchange['method'], headers: Record<string, string>, body?: string): Promise<Reply> {
    const route = await this.#routeOnce();
    return exchange(new URL(path, this.#base), route, { method, headers, body, timeoutMs: this.#timeoutMs, maxBytes: MAX_REPLY_BYTES });
  }
}

function readCookie(setCookies: readonly string[], name: string): string | undefined {
  for (const line of setCookies) {
    const first = line.split(';', 1)[0] ?? '';
    const eq = first.indexOf('=');
    if (eq > 0 && first.slice(0, eq).trim() === name) {
      const value = first.slice(eq + 1).trim().replace(/^"(.*)"$/, '$1');
      if (value !== '') return value;
    }
  }
  return undefined;
}
