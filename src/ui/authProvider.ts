// The Instamrkt account in VS Code's Accounts menu, and behind
// vscode.authentication.getSession('instamrkt', []): an adapter over the
// session's account manager, the one source of truth (what a session is, and
// when it changed, is decided by the pure authSessions.ts). Sign-in and
// sign-out run the Sign In and Sign Out commands, so either place shows
// everywhere at once. The access token (the session key) is never logged.
import vscode = require('vscode');
import { AuthProvider, Commands } from '../host/ids';
import { matchingSessions, scopesSupported, sessionOf, sessionsChange, type AuthSession } from '../sources/authSessions';
import type { Session } from '../sources/session';

export class InstamrktAuthProvider implements vscode.AuthenticationProvider, vscode.Disposable {
  readonly #changed = new vscode.EventEmitter<vscode.AuthenticationProviderAuthenticationSessionsChangeEvent>();
  readonly onDidChangeSessions = this.#changed.event;
  readonly #session: Session;
  readonly #subscriptions: vscode.Disposable[];
  /** The session VS Code was last told about. */
  #shown: AuthSession | undefined;

  constructor(session: Session) {
    this.#session = session;
    this.#shown = this.#current();
    this.#subscriptions = [
      this.#changed,
      session.onDidChangeAccount(() => this.#update()),
      vscode.authentication.registerAuthenticationProvider(AuthProvider.id, AuthProvider.label, this, { supportsMultipleAccounts: false }),
    ];
  }

  async getSessions(scopes: readonly string[] | undefined, options?: vscode.AuthenticationProviderSessionOptions): Promise<AuthSession[]> {
    // Not "no session" while the stored account is still being read: a signed-in user would be asked to sign in.
    await this.#known();
    return matchingSessions(this.#shown, scopes, options?.account?.label);
  }

  async createSession(scopes: readonly string[]): Promise<AuthSession> {
    if (!scopesSupported(scopes)) throw new Error(vscode.l10n.t('Instamrkt defines no scopes; ask for a session with none (asked: {0}).', scopes.join(', ')));
    const signedIn = await vscode.commands.executeCommand<boolean | undefined>(Commands.signIn);
    this.#update();
    if (signedIn !== true || !this.#shown) throw new Error(vscode.l10n.t('Not signed in to Instamrkt: the sign-in was cancelled or did not succeed.'));
    return this.#shown;
  }

  async removeSession(sessionId: string): Promise<void> {
    // Another id is a session that is gone already (signed out, or another server now).
    if (this.#shown?.id === sessionId) await vscode.commands.executeCommand(Commands.signOut);
  }

  dispose(): void {
    for (const s of this.#subscriptions) s.dispose();
  }

  #current(): AuthSession | undefined {
    return sessionOf(this.#session.heldAccount ?? undefined);
  }

  #update(): void {
    const next = this.#current();
    const change = sessionsChange(this.#shown, next);
    this.#shown = next;
    if (change) this.#changed.fire(change);
  }

  /** Resolves once the stored account is read, or the server's URL is refused (then no account can be used; the status says why). */
  #known(): Promise<void> {
    const settled = (): boolean => this.#session.heldAccount !== undefined || this.#session.snapshot.status.kind !== 'starting';
    return new Promise((resolve) => {
      if (settled()) return resolve();
      const check = (): void => {
        if (!settled()) return;
        for (const s of waiting) s.dispose();
        resolve();
      };
      const waiting = [this.#session.onDidChangeAccount(check), this.#session.onDidChange(check)];
    });
  }
}
