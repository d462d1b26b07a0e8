// Users, passwords, sessions and handshake nonces: sign-in (REST), sign-out,
// and the WebSocket handshake check of PROTOCOL §3. Pure state changes; the
// callers decide when to persist.
import { createHash, randomBytes, timingSafeEqual } from 'node:crypto';
import { handshakeDigest } from '../protocol';
import { EmulatorState, SessionRecord, UserRecord } from './state';

export const SESSION_LIFETIME_MS = 24 * 60 * 60 * 1000;
export const AUTO_LOGON_WINDOW_MS = 15 * 60 * 1000;

function hashPassword(salt: string, password: string): string {
  return createHash('sha256').update(salt, 'utf8').update('\0').update(password, 'utf8').digest('hex');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a, 'utf8');
  const y = Buffer.from(b, 'utf8');
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface NewUser {
  username: string;
  password: string;
  developer: boolean;
  id?: number;
}

/**
 * Adds a user unless one with that username exists. Passwords are kept salted
 * and hashed so the state file never holds them in clear.
 */
export function addUser(state: EmulatorState, user: NewUser): UserRecord {
  for (const u of state.users.values()) if (u.username === user.username) return u;
  let id = user.id;
  if (id === undefined) {
    id = 2000;
    while (state.users.has(id)) id++;
  } else if (!Number.isSafeInteger(id) || id <= 0) {
    throw new Error(`User id for "${user.username}" must be a positive integer.`);
  } else if (state.users.has(id)) {
    throw new Error(`User id ${id} is already taken; cannot add "${user.username}".`);
  }
  const passwordSalt = randomBytes(16).toString('hex');
  const record: UserRecord = {
    id,
    username: user.username,
    developer: user.developer,
    passwordSalt,
    passwordHash: hashPassword(passwordSalt, user.password),
  };
  state.users.set(id, record);
  return record;
}

export function findUserByName(state: EmulatorState, username: string): UserRecord | undefined {
  for (const u of state.users.values()) if (u.username === username) return u;
  return undefined;
}

/** Checks credentials; on success issues a fresh 24-hour session (other sessions stay valid). */
export function login(state: EmulatorState, username: string, password: string, now: number): { user: UserRecord; session: SessionRecord } | undefined {
  const user = findUserByName(state, username);
  if (!user) return undefined;
  if (!sameText(hashPassword(user.passwordSalt, password), user.passwordHash)) return undefined;
  pruneExpired(state, now);
  const session: SessionRecord = { key: randomBytes(24).toString('hex'), userId: user.id, createdAt: now, expiresAt: now + SESSION_LIFETIME_MS };
  state.sessions.set(session.key, session);
  return { user, session };
}

/** Ends one session; true when it existed. */
export function logout(state: EmulatorState, sessionKey: string): boolean {
  return state.sessions.delete(sessionKey);
}

export function isSessionLive(state: EmulatorState, sessionKey: string, now: number): boolean {
  const s = state.sessions.get(sessionKey);
  return s !== undefined && s.expiresAt > now;
}

/**
 * Drops sessions past expiry and nonces older than the longest session life:
 * a digest made with such a nonce can only name a session that has expired
 * since, so forgetting the nonce cannot enable a replay.
 */
export function pruneExpired(state: EmulatorState, now: number): void {
  for (const [key, s] of state.sessions) if (s.expiresAt <= now) state.sessions.delete(key);
  for (const [userId, seen] of state.nonces) {
    for (const [nonce, at] of seen) if (at + SESSION_LIFETIME_MS <= now) seen.delete(nonce);
    if (seen.size === 0) state.nonces.delete(userId);
  }
}

export type HandshakeResult =
  | { ok: true; user: UserRecord; sessionKey: string }
  | { ok: false; reason: string };

const MAX_NONCE_LENGTH = 128;

/** Checks `id`, `n`, `h` of a WebSocket URL; on success records the nonce as used. */
export function checkHandshake(state: EmulatorState, query: URLSearchParams, now: number): HandshakeResult {
  const idText = query.get('id');
  const nonce = query.get('n');
  const digest = query.get('h');
  if (!idText || !nonce || !digest) return { ok: false, reason: 'The handshake needs the query parameters id, n and h.' };
  if (nonce.length > MAX_NONCE_LENGTH) return { ok: false, reason: 'The nonce is too long.' };
  const refused = { ok: false as const, reason: 'Handshake refused: unknown user, expired session or wrong digest.' };
  if (!/^\d{1,15}$/.test(idText) || !/^[0-9a-f]{64}$/.test(digest)) return refused;
  const user = state.users.get(Number(idText));
  if (!user) return refused;
  let sessionKey: string | undefined;
  for (const s of state.sessions.values()) {
    if (s.userId !== user.id || s.expiresAt <= now) continue;
    if (sameText(handshakeDigest(idText, nonce, s.key), digest)) {
      sessionKey = s.key;
      break;
    }
  }
  if (sessionKey === undefined) return refused;
  let seen = state.nonces.get(user.id);
  if (seen?.has(nonce)) return { ok: false, reason: 'Handshake refused: this nonce was already used.' };
  if (!seen) {
    seen = new Map();
    state.nonces.set(user.id, seen);
  }
  seen.set(nonce, now);
  return { ok: true, user, sessionKey };
}
