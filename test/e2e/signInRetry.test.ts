// A wrong password keeps the person in the sign-in (issue 11): the password
// prompt opens again, titled Try Again, with the username kept and the
// server's reason shown; the right password then signs in, and Back returns
// to the username, still filled in. Nothing is shown as a toast meanwhile.
import * as assert from 'node:assert/strict';
import { isSignedIn, putSignInBack, signOut } from './account';
import { useFixture } from './fixture';

const RETRY_TITLE = /Try Again: Sign In to Instamrkt as demo/;
const REASON = /Invalid username or password\. Type the password for demo again, or go Back to change the username\./;

describe('Sign In with a wrong password (in the browser)', function () {
  this.timeout(180_000);
  const fixture = useFixture();
  let wasSignedIn = false;

  beforeEach(async () => {
    const { workbench: wb, step } = fixture();
    await step('open the Instamrkt view', () => wb.openViewContainer('Instamrkt'));
    wasSignedIn = await isSignedIn(wb);
    if (wasSignedIn) await step('sign out first', () => signOut(wb));
    await wb.runCommand('Notifications: Clear All Notifications');
  });

  afterEach(async () => {
    const { workbench: wb } = fixture();
    await wb.dismissQuickInput();
    await putSignInBack(wb, wasSignedIn);
  });

  /** Runs Sign In, types demo and a wrong password, and waits for the prompt to come back. */
  async function wrongPassword(): Promise<void> {
    const { workbench: wb, step } = fixture();
    await step('run Sign In', () => wb.runCommand('Instamrkt: Sign In'));
    await step('type the username', () => wb.answerInput('demo', { prompt: /Username/ }));
    await step('type a wrong password', () => wb.answerInput('not-the-password', { prompt: /Password for demo/, password: true }));
    await step('the password prompt opens again, titled Try Again, with the reason', () => wb.waitForQuickInputText(RETRY_TITLE, 30_000));
  }

  it('reopens the password prompt with the username kept and the server’s reason; the right password then signs in', async () => {
    const { workbench: wb, step, page } = fixture();
    await wrongPassword();
    assert.match(await wb.quickInputMessage(), REASON);
    const password = wb.quickInput.locator('input[type=password]');
    assert.ok(await password.isVisible(), 'it is the password prompt');
    assert.equal(await password.inputValue(), '', 'the wrong password is not kept');
    // The "Signing in…" progress toast may still be fading out: only a toast with the refusal would be wrong.
    const toasts = await page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
    assert.deepEqual(toasts.filter((text) => /Invalid username or password/.test(text)), [], 'the refusal is shown in the prompt, not as a toast');
    assert.match(await wb.statusBarItems().then((items) => items.join(' | ')), /Instamrkt: signed out/, 'still signed out');

    await step('type the right password', () => wb.answerInput('demo', { password: true }));
    await step('signed in', () => wb.waitForStatusBar(/Instamrkt: connected/, 30_000));
  });

  it('Back from the retry returns to the username prompt with the username filled in; Escape then gives up quietly', async () => {
    const { workbench: wb, step, page } = fixture();
    await wrongPassword();
    await step('click Back', () => wb.quickInput.locator('.quick-input-left-action-bar .action-label').first().click());
    await step('the username prompt', () => wb.waitForQuickInputText(/Sign In to Instamrkt \(1\/2\)/));
    assert.equal(await wb.quickInput.locator('input.input').inputValue(), 'demo', 'the username is kept');
    await step('press Escape', () => wb.dismissQuickInput());
    assert.match((await wb.statusBarItems()).join(' | '), /Instamrkt: signed out/);
    const toasts = await page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
    assert.deepEqual(toasts, [], 'giving up shows nothing');
  });
});
