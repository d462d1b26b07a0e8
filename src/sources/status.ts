// The one connection-status value the UI renders, and the pure function that
// derives it from what the account manager and the connection manager know.
// Session publishes it; the status bar, the tree and the context keys only
// read it. Nothing here may guess: a state nobody knows yet is "starting".

export type ConnectionStatus =
  /** Not known yet: the stored sign-in is being read, or a sign-in that follows a switch of server is under way. */
  | { kind: 'starting' }
  | { kind: 'signedOut' }
  | { kind: 'connecting' }
  | { kind: 'connected'; latencyMs: number | undefined }
  | { kind: 'disconnected'; nextRetryAt: number | undefined; error: string | undefined }
  | { kind: 'authFailed'; error: string };

export type StatusKind = ConnectionStatus['kind'];

/** Everything the status bar's tooltip shows. Nothing secret. */
export interface SessionSnapshot {
  status: ConnectionStatus;
  serverUrl: string;
  username: string | undefined;
  userId: string | undefined;
  lastError: string | undefined;
  /** True while this window is pointed at the bundled local emulator. */
  usingEmulator: boolean;
}

/** Who is signed in, as far as the account manager knows. */
export type AccountPhase =
  /** The store has not been read for this server (or a switch of server is being followed by a sign-in). */
  | 'unknown'
  /** Known: no account held in this window, none stored (or the store could not be read: see lastError). */
  | 'none'
  /** A sign-in's account is being checked by connecting; nothing of it is stored yet. */
  | 'verifying'
  /** An account is held (and stored, unless storing it failed). */
  | 'held';

/** The connection manager's state: the client's, plus "renewing" folded into connecting. */
export type LinkState =
  | { kind: 'idle' }
  | { kind: 'connecting' }
  | { kind: 'connected'; latencyMs: number | undefined }
  | { kind: 'disconnected'; nextRetryAt: number | undefined; error: string }
  | { kind: 'authFailed'; error: string };

/**
 * What the UI shows for an account phase and a connection state. A refused
 * URL (endpointError) means nothing can connect, whoever is signed in; only
 * "signed out" says more than that.
 */
export function statusOf(account: AccountPhase, link: LinkState, endpointError?: string): ConnectionStatus {
  if (endpointError !== undefined && account !== 'none') return { kind: 'disconnected', nextRetryAt: undefined, error: endpointError };
  switch (account) {
    case 'unknown':
      return { kind: 'starting' };
    case 'none':
      return { kind: 'signedOut' };
    case 'verifying':
      // A sign-in's refusal is reported once, by the sign-in call itself; until it ends, it is connecting.
      return link.kind === 'connected' ? { kind: 'connected', latencyMs: link.latencyMs } : { kind: 'connecting' };
    case 'held':
      switch (link.kind) {
        case 'idle':
          return { kind: 'disconnected', nextRetryAt: undefined, error: undefined };
        case 'connecting':
          return { kind: 'connecting' };
        case 'connected':
          return { kind: 'connected', latencyMs: link.latencyMs };
        case 'disconnected':
          return { kind: 'disconnected', nextRetryAt: link.nextRetryAt, error: link.error };
        case 'authFailed':
          return { kind: 'authFailed', error: link.error };
      }
  }
}

/** True when two snapshots would render the same: a change is published only when something shown changed. */
export function sameSnapshot(a: SessionSnapshot, b: SessionSnapshot): boolean {
  return JSON.stringify(a) === JSON.stringify(b);
}
