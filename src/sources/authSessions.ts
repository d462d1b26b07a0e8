// What VS Code's Accounts menu and getSession() see of the account manager:
// the one session of the account held for the current server, and the
// change event between two such states. Pure, so the rules are tested apart
// from VS Code; ui/authProvider.ts only adapts them.
//
// Scopes: the Instamrkt API defines none (a session key can do everything
// its user can), so the only scope set is the empty one. A request with any
// scope gets no session, and creating one is refused: granting a narrower
// scope than the key really has would be untrue.

/** The held account as the provider needs it (the session key is the access token). */
export interface HeldAccount {
  serverUrl: string;
  userId: string;
  username: string | undefined;
  sessionKey: string;
}

/** Shaped like vscode.AuthenticationSession. */
export interface AuthSession {
  readonly id: string;
  readonly accessToken: string;
  readonly account: { readonly id: string; readonly label: string };
  readonly scopes: readonly string[];
}

/** Shaped like vscode.AuthenticationProviderAuthenticationSessionsChangeEvent. */
export interface AuthSessionsChange {
  added: AuthSession[];
  removed: AuthSession[];
  changed: AuthSession[];
}

/** The host of the production server: its accounts are labelled by name alone. */
const PRODUCTION_HOST = 'instamrkt.com';

/**
 * One account on one server, stable while the key is renewed: the user id
 * and the server's URL (the same user id on the local emulator is another
 * account). Nothing secret.
 */
export function sessionId(serverUrl: string, userId: string): string {
  return `${userId}@${serverUrl}`;
}

/** The name shown in the Accounts menu: the username (or user id), and the server's host unless it is production. */
export function accountLabel(account: Pick<HeldAccount, 'serverUrl' | 'userId' | 'username'>): string {
  const name = account.username ?? `user ${account.userId}`;
  let url: URL;
  try {
    url = new URL(account.serverUrl);
  } catch {
    return `${name} (${account.serverUrl})`;
  }
  return url.hostname === PRODUCTION_HOST ? name : `${name} (${url.host})`;
}

/** The session of the held account, if one is held. */
export function sessionOf(account: HeldAccount | undefined): AuthSession | undefined {
  if (!account) return undefined;
  return {
    id: sessionId(account.serverUrl, account.userId),
    accessToken: account.sessionKey,
    account: { id: account.userId, label: accountLabel(account) },
    scopes: [],
  };
}

/** True for the only scope set there is: none (undefined means "any", as the Accounts menu asks). */
export function scopesSupported(scopes: readonly string[] | undefined): boolean {
  return scopes === undefined || scopes.length === 0;
}

/** What getSessions() answers: the session, if its scopes and account are the ones asked for. */
export function matchingSessions(session: AuthSession | undefined, scopes: readonly string[] | undefined, accountLabelAsked?: string): AuthSession[] {
  if (!session || !scopesSupported(scopes)) return [];
  if (accountLabelAsked !== undefined && accountLabelAsked !== session.account.label) return [];
  return [session];
}

/**
 * The event between two states; undefined when nothing a consumer sees
 * changed. Another id is another session (removed, then added); the same id
 * with a new key or label is a change (a renewed key).
 */
export function sessionsChange(before: AuthSession | undefined, after: AuthSession | undefined): AuthSessionsChange | undefined {
  const change: AuthSessionsChange = { added: [], removed: [], changed: [] };
  if (before && after && before.id === after.id) {
    if (before.accessToken === after.accessToken && before.account.label === after.account.label) return undefined;
    change.changed.push(after);
    return change;
  }
  if (before) change.removed.push(before);
  if (after) change.added.push(after);
  return before || after ? change : undefined;
}
