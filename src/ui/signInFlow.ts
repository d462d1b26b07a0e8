// The password sign-in as the user goes through it: username, password, then
// the server's answer (and the sign-in with a session key). A refusal (wrong username or password) keeps the user
// in the flow: the password prompt opens again with the username kept and the
// server's reason shown; Back returns to the username, Escape gives up. Used
// by the Sign In command and by the Accounts menu (authProvider.ts).
import vscode = require('vscode');
import type { Session } from '../sources/session';

const BACK = Symbol('back');

/** Asks for the password of `username`; after a refusal, with its reason and "Try Again" in the title. */
function askPassword(username: string, refused: string | undefined): Promise<string | typeof BACK | undefined> {
  const box = vscode.window.createInputBox();
  box.title = refused ? vscode.l10n.t('Try Again: Sign In to Instamrkt as {0}', username) : vscode.l10n.t('Sign In to Instamrkt (2/2)');
  box.prompt = vscode.l10n.t('Password for {0}. It is kept in VS Code\'s secret storage only.', username);
  box.password = true;
  box.ignoreFocusOut = true;
  box.buttons = [vscode.QuickInputButtons.Back];
  // Shown until the user types; the prompt (which names the username) then returns.
  if (refused) box.validationMessage = vscode.l10n.t('{0} Type the password for {1} again, or go Back to change the username.', refused, username);
  return new Promise((resolve) => {
    let answer: string | typeof BACK | undefined;
    box.onDidChangeValue(() => (box.validationMessage = undefined));
    box.onDidTriggerButton(() => {
      answer = BACK;
      box.hide();
    });
    box.onDidAccept(() => {
      if (!box.value) return void (box.validationMessage = vscode.l10n.t('A password is required.'));
      answer = box.value;
      box.hide();
    });
    box.onDidHide(() => {
      box.dispose();
      resolve(answer);
    });
    box.show();
  });
}

/**
 * Signs in with a username and password, asking again while the server refuses them. True once signed in; false if the user gave up.
 * `blankSecrets` is the one redactor's: a server may quote the password in its refusal, which the prompt then shows.
 */
export async function signInWithPassword(session: Session, blankSecrets: (text: string) => string): Promise<boolean> {
  let username = '';
  let refused: string | undefined;
  for (;;) {
    if (refused === undefined) {
      const typed = await vscode.window.showInputBox({
        title: vscode.l10n.t('Sign In to Instamrkt (1/2)'),
        prompt: vscode.l10n.t('Username on {0}', session.endpoints.restUrl),
        value: username,
        ignoreFocusOut: true,
        validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A username is required.')),
      });
      if (typed === undefined) return false;
      username = typed.trim();
    }
    const password = await askPassword(username, refused);
    if (password === undefined) return false;
    if (password === BACK) {
      refused = undefined;
      continue;
    }
    try {
      await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Signing in to Instamrkt…') }, () => session.signIn(username, password));
    } catch (err) {
      // Only the server's refusal of these credentials is the user's to fix here; anything else is reported by the caller.
      // By code, not instanceof: this module is bundled apart from the one that throws it.
      if (!(err instanceof Error) || (err as Error & { code?: unknown }).code !== 'authentication') throw err;
      refused = blankSecrets(err.message);
      continue;
    }
    vscode.window.setStatusBarMessage(vscode.l10n.t('Signed in to Instamrkt as {0}.', username), 3000);
    return true;
  }
}

/** Signs in with a user id and a session key the user pastes. */
export async function signInWithSessionKey(session: Session): Promise<void> {
  const userId = await vscode.window.showInputBox({
    title: vscode.l10n.t('Sign In with Session Key (1/2)'),
    prompt: vscode.l10n.t('Your Instamrkt user id'),
    ignoreFocusOut: true,
    validateInput: (v) => (/^\S+$/.test(v.trim()) ? undefined : vscode.l10n.t('A user id is required (no spaces).')),
  });
  if (userId === undefined) return;
  const key = await vscode.window.showInputBox({
    title: vscode.l10n.t('Sign In with Session Key (2/2)'),
    prompt: vscode.l10n.t('Session key. It is kept in VS Code\'s secret storage only.'),
    password: true,
    ignoreFocusOut: true,
    validateInput: (v) => (v.trim() ? undefined : vscode.l10n.t('A session key is required.')),
  });
  if (key === undefined) return;
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: vscode.l10n.t('Checking the session key…') }, () =>
    session.signInWithSessionKey(userId.trim(), key.trim()),
  );
  vscode.window.setStatusBarMessage(vscode.l10n.t('Signed in to Instamrkt as user {0}.', userId.trim()), 3000);
}
