// The sign-in procedure: a key from REST (or pasted by the user), checked by
// connecting with it, and stored only once that is settled, all for one
// intent; and the sign-out that wins over it. A later intent (sign-out, another sign-in, a settings change)
// cancels it at whatever await it has reached: nothing is stored, the key it
// obtained is ended on the server, and it rejects with SupersededError.
import { AuthenticationError, errorMessage } from '../protocol';
import type { Account } from './account';
import type { Intent } from './lifecycle';
import type { SessionParts } from './sessionDeps';

/** Signs in with a password over REST, then checks and stores the key as signInWithKey() does. */
export async function signInWithPassword(parts: SessionParts, intent: Intent, username: string, password: string): Promise<void> {
  const { restUrl } = parts.endpoints();
  let candidate: Account;
  try {
    candidate = await parts.accounts.login(restUrl, username, password, intent);
  } catch (err) {
    intent.check();
    await parts.showTruth(intent);
    throw err;
  }
  await signInWithKey(parts, intent, candidate, restUrl);
}

/**
 * Connects with a sign-in's account and stores it once that is settled. A
 * refusal by the server is the sign-in's outcome (rejected, shown once by the
 * caller, nothing stored, the previous account kept); a network failure is
 * not (the key is kept and the client retries). `issuedBy` names the REST
 * server that issued the key, where it is ended if the server refuses it.
 */
export async function signInWithKey(parts: SessionParts, intent: Intent, candidate: Account, issuedBy: string | undefined): Promise<void> {
  const { accounts, link, feed } = parts;
  const { serverUrl } = parts.endpoints();
  /** Gives up the key this sign-in obtained (a pasted key is the user's: it may be in use elsewhere). */
  const endIssuedKey = (): void => {
    if (issuedBy) accounts.endKey(issuedBy, candidate.sessionKey);
  };
  /** Superseded: the later intent has already dropped the candidate and its connection; end the key and say so. */
  const checkCurrent = (): void => {
    if (intent.current) return;
    endIssuedKey();
    intent.check();
  };
  link.close();
  accounts.propose(candidate);
  try {
    await parts.connect(intent);
  } catch (err) {
    checkCurrent();
    if (err instanceof AuthenticationError) {
      accounts.dropCandidate();
      link.close();
      endIssuedKey();
      feed.lastError = err.message;
      await parts.showTruth(intent);
      throw err;
    }
    parts.logger.warn(`Signed in, but not connected yet: ${errorMessage(err)}`);
  }
  // Another window's sign-out that arrived first wins; then check and store in one synchronous step.
  await accounts.followsSettled();
  checkCurrent();
  const stored = accounts.commit(serverUrl, intent);
  feed.publish();
  await stored;
}

/** Ends the session on the server (best effort), deletes the stored secrets and disconnects. Wins over anything in flight. */
export async function signOut(parts: SessionParts): Promise<void> {
  const { accounts, link, feed } = parts;
  const account = accounts.held;
  const { serverUrl, restUrl } = parts.endpoints();
  parts.begin('signOut');
  link.close();
  feed.lastError = undefined;
  const deleted = accounts.forget(serverUrl);
  feed.publish();
  parts.signedOut();
  try {
    await deleted;
  } finally {
    // Only a key this extension obtained with a password; a pasted key may be in use elsewhere.
    if (account?.password) accounts.endKey(restUrl, account.sessionKey);
  }
}
