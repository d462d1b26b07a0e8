// The REST half (PROTOCOL §2): `GET /` hands out the `_xsrf` cookie,
// `POST /r/login/` signs in, `POST /r/logout/` ends a session. Every POST
// needs the `_xsrf` cookie echoed in the `X-XSRFToken` header. Fault
// --slow-login holds every answer to `POST /r/login/`.
import { randomBytes, timingSafeEqual } from 'node:crypto';
import { IncomingMessage, ServerResponse } from 'node:http';
import { login, logout } from './accounts';
import { EmulatorState } from './state';
import { StateSaver } from './stateFile';
import { errorMessage, isObj } from '../protocol';
import { ActiveFaults, pause } from './faults';

export const MAX_BODY_BYTES = 64 * 1024;

export interface RestEnvironment {
  state: EmulatorState;
  saver: StateSaver;
  now: () => number;
  log: (line: string) => void;
  faults: () => ActiveFaults;
}

/** Sends one JSON answer (possibly after a fault's delay). */
type Answer = (status: number, body: unknown, cookies?: string[]) => Promise<void>;

const COOKIE_FLAGS = 'Path=/; SameSite=Strict';

function sendJson(res: ServerResponse, status: number, body: unknown, cookies: string[] = []): void {
  const text = JSON.stringify(body);
  const headers: Record<string, string | string[]> = {
    'Content-Type': 'application/json; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Cache-Control': 'no-store',
  };
  if (cookies.length > 0) headers['Set-Cookie'] = cookies;
  res.writeHead(status, headers);
  res.end(text);
}

export function parseCookies(header: string | undefined): Map<string, string> {
  const out = new Map<string, string>();
  if (!header) return out;
  for (const part of header.split(';')) {
    const eq = part.indexOf('=');
    if (eq <= 0) continue;
    const name = part.slice(0, eq).trim();
    let value = part.slice(eq + 1).trim();
    if (value.startsWith('"') && value.endsWith('"') && value.length >= 2) value = value.slice(1, -1);
    try {
      value = decodeURIComponent(value);
    } catch {
      // A cookie that is not valid percent-encoding is taken as it is.
    }
    if (!out.has(name)) out.set(name, value);
  }
  return out;
}

function xsrfOk(req: IncomingMessage): boolean {
  const cookie = parseCookies(req.headers.cookie).get('_xsrf');
  const header = req.headers['x-xsrftoken'];
  if (!cookie || typeof header !== 'string' || header === '') return false;
  const a = Buffer.from(cookie, 'utf8');
  const b = Buffer.from(header, 'utf8');
  return a.length === b.length && timingSafeEqual(a, b);
}

class BodyTooLarge extends Error {}

function readBody(req: IncomingMessage): Promise<Buffer> {
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    let done = false;
    req.on('data', (chunk: Buffer) => {
      if (done) return;
      size += chunk.length;
      if (size > MAX_BODY_BYTES) {
        done = true;
        reject(new BodyTooLarge());
        return;
      }
      chunks.push(chunk);
    });
    req.on('end', () => {
      if (done) return;
      done = true;
      resolve(Buffer.concat(chunks));
    });
    req.on('error', (err) => {
      if (done) return;
      done = true;
      reject(err);
    });
  });
}


async function handleLogin(env: RestEnvironment, req: IncomingMessage, res: ServerResponse, answer: Answer): Promise<void> {
  let body: Buffer;
  try {
    body = await readBody(req);
  } catch (err) {
    if (err instanceof BodyTooLarge) {
      res.setHeader('Connection', 'close');
      return answer(413, { msg: `The request body is over ${MAX_BODY_BYTES} bytes.` });
    }
    throw err;
  }
  let parsed: unknown;
  try {
    parsed = JSON.parse(body.toString('utf8'));
  } catch {
    return answer(400, { msg: 'The request body is not valid JSON.' });
  }
  if (!isObj(parsed) || typeof parsed.username !== 'string' || typeof parsed.password !== 'string') {
    return answer(400, { msg: 'The request body must be a JSON object with string fields "username" and "password".' });
  }
  const result = login(env.state, parsed.username, parsed.password, env.now());
  if (!result) return answer(401, { msg: 'Invalid username or password.' });
  await env.saver.save();
  env.log(`login: ${result.user.username} (${result.user.id})`);
  const maxAge = Math.floor((result.session.expiresAt - result.session.createdAt) / 1000);
  await answer(
    200,
    { username: result.user.username, id: result.user.id, user_session_key: result.session.key, redirect_url: '/' },
    [`im_user=${result.user.id}; ${COOKIE_FLAGS}; Max-Age=${maxAge}`, `user_session_key=${result.session.key}; ${COOKIE_FLAGS}; HttpOnly; Max-Age=${maxAge}`],
  );
}

async function handleLogout(env: RestEnvironment, req: IncomingMessage, res: ServerResponse): Promise<void> {
  // The body, if any, is not used; drain it so the connection can be reused.
  try {
    await readBody(req);
  } catch (err) {
    if (!(err instanceof BodyTooLarge)) throw err;
  }
  const key = parseCookies(req.headers.cookie).get('user_session_key');
  if (key && logout(env.state, key)) {
    await env.saver.save();
    env.log('logout: one session ended');
  }
  sendJson(res, 200, {}, [`im_user=; ${COOKIE_FLAGS}; Max-Age=0`, `user_session_key=; ${COOKIE_FLAGS}; HttpOnly; Max-Age=0`]);
}

function handleRoot(res: ServerResponse): void {
  const token = randomBytes(16).toString('hex');
  const text = 'Instamrkt emulator. Sign in with POST /r/login/; open the WebSocket on this same port.\n';
  res.writeHead(200, {
    'Content-Type': 'text/plain; charset=utf-8',
    'Content-Length': String(Buffer.byteLength(text)),
    'Set-Cookie': `_xsrf=${token}; ${COOKIE_FLAGS}`,
    'Cache-Control': 'no-store',
  });
  res.end(text);
}

/** Routes one HTTP request; never throws (failures answer 500). */
export async function handleHttp(env: RestEnvironment, req: IncomingMessage, res: ServerResponse): Promise<void> {
  try {
    const path = (req.url ?? '/').split('?')[0];
    if (req.method === 'GET' && path === '/') return handleRoot(res);
    if (req.method === 'POST' && (path === '/r/login/' || path === '/r/logout/')) {
      // A slow login is slow whatever its outcome; the sign-in has taken effect (and been saved) before the wait.
      const slowMs = path === '/r/login/' ? env.faults().slowLoginMs : 0;
      const answer: Answer = async (status, body, cookies) => {
        if (slowMs > 0) await pause(slowMs);
        sendJson(res, status, body, cookies);
      };
      if (!xsrfOk(req)) return await answer(403, { msg: 'XSRF check failed: send the _xsrf cookie and the same value in the X-XSRFToken header.' });
      return path === '/r/login/' ? await handleLogin(env, req, res, answer) : await handleLogout(env, req, res);
    }
    sendJson(res, 404, { msg: `No such endpoint: ${req.method ?? '?'} ${path.slice(0, 100)}` });
  } catch (err) {
    env.log(`REST error: ${errorMessage(err)}`);
    if (!res.headersSent) sendJson(res, 500, { msg: 'The emulator failed to handle this request.' });
    else res.destroy();
  }
}
