// The Instamrkt account in VS Code's Accounts menu, as a person uses it
// (issue 11): signed in, the menu names the account with the provider; its
// Sign Out (after VS Code's own confirmation) signs the extension out, and
// the account is gone from the menu.
import * as assert from 'node:assert/strict';
import { isSignedIn, putSignInBack, signInAsDemo } from './account';
import { useFixture } from './fixture';
import { UI_TIMEOUT_MS, waitUntil } from './workbench';

describe('Instamrkt in the Accounts menu (in the browser)', function () {
  this.timeout(180_000);
  const fixture = useFixture();
  let wasSignedIn = false;

  beforeEach(async () => {
    const { workbench: wb, step } = fixture();
    await step('open the Instamrkt view', () => wb.openViewContainer('Instamrkt'));
    wasSignedIn = await isSignedIn(wb);
  });

  afterEach(async () => {
    const { workbench: wb, page } = fixture();
    await page.keyboard.press('Escape');
    await putSignInBack(wb, wasSignedIn);
  });

  it('lists the signed-in account; Sign Out there signs the extension out and removes the account', async () => {
    const { workbench: wb, step, page, serverUrl } = fixture();
    if (!(await isSignedIn(wb))) await step('sign in', () => signInAsDemo(wb));
    const label = `demo (${new URL(serverUrl).host})`;
    const accounts = page.locator('.activitybar a[aria-label^="Accounts"]').first();
    const menu = page.locator('.monaco-menu:visible').last();
    const entry = menu.locator('.action-item').filter({ has: page.locator('.action-label', { hasText: label }) }).first();

    await step('open the Accounts menu', () => accounts.click({ timeout: UI_TIMEOUT_MS }));
    await step('the account is listed', () => entry.waitFor({ state: 'visible', timeout: 30_000 }));
    assert.match(await entry.innerText(), /\(Instamrkt\)/, 'named with the provider');
    await step('open its submenu', () => entry.hover());
    const signOut = page.getByRole('menuitem', { name: 'Sign Out', exact: true }).first();
    // A click while the submenu still fades in is lost: click until the menu closes.
    await step('click Sign Out', () =>
      waitUntil('the menu to close on Sign Out', UI_TIMEOUT_MS, async () => {
        if ((await page.locator('.monaco-menu:visible').count()) === 0) return true;
        await signOut.hover({ timeout: 2_000 }).catch(() => undefined);
        await signOut.click({ timeout: 2_000 }).catch(() => undefined);
        return (await page.locator('.monaco-menu:visible').count()) === 0;
      }),
    );
    const dialog = await step('VS Code asks to confirm', () => wb.waitForDialog());
    assert.match(dialog.text, new RegExp(label.replace(/[.()]/g, '\\$&')), `the dialog names the account: ${dialog.text}`);
    await step('confirm', () => wb.clickDialogButton('Sign Out'));
    await step('signed out', () => wb.waitForStatusBar(/Instamrkt: signed out/, 30_000));

    await step('open the Accounts menu again', () => accounts.click({ timeout: UI_TIMEOUT_MS }));
    await waitUntil('the menu to show', UI_TIMEOUT_MS, async () => (await page.locator('.monaco-menu:visible').count()) > 0);
    const items = await page.locator('.monaco-menu:visible .action-label').allInnerTexts();
    assert.ok(!items.some((text) => text.includes(label)), `the account is gone from the menu: ${items.join(' | ')}`);
  });
});
