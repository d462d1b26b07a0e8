// The one connection-status value the UI renders. Session changes it in one
// place and publishes it; the status bar, the tree and the context keys only read it.

export type ConnectionStatus =
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
