// A bad connection setting, as a person meets it in the browser (issue 8,
// A3): as soon as it is set, and again at start (after a reload), a message
// names the setting and the reason, and its Open Settings button opens the
// Settings editor on that very setting; the view's welcome names the setting too.
import * as assert from 'node:assert/strict';
import { extensionLog, useFixture } from './fixture';
import { setUserSetting } from './userSettings';
import { waitUntil } from './workbench';

const VIEW = 'Game Sources';
const MESSAGE = /instamrkt\.serverUrl cannot be used: Refusing unencrypted ws:\/\/ to example\.com/;

/** How many times the extension has logged instamrkt.serverUrl going back to the run's emulator. */
function restored(userDataDir: string): number {
  return extensionLog(userDataDir).match(/instamrkt\.serverUrl is now "ws:\/\/127\.0\.0\.1:\d+"/g)?.length ?? 0;
}

describe('a bad instamrkt.serverUrl (in the browser)', function () {
  this.timeout(180_000);
  const fixture = useFixture();

  it('is reported when set and at start, naming the setting and the reason; Open Settings opens that setting', async () => {
    const f = fixture();
    const { workbench: wb, step, page } = f;
    // A user setting, set in the Settings editor: the folder is untrusted, where VS Code ignores a workspace value of it.
    let restoredBefore = 0;
    try {
      // Opening the view activates the extension, now and after the reload below.
      await step('open the Instamrkt view', () => wb.openViewContainer('Instamrkt'));
      await wb.waitForStatusBar(/Instamrkt/);
      await step('set instamrkt.serverUrl in the Settings editor', () => setUserSetting(wb, f.harness.userDataDir, 'instamrkt.serverUrl', 'ws://example.com:9999'));
      const shown = await step('the message when it is set', () => wb.waitForNotification(MESSAGE, 30_000));
      assert.match(shown, /use wss:\/\/ for any host that is not this machine/, 'the reason is given in full');
      await step('the view names the setting, with Open Settings', () =>
        waitUntil('the bad-setting welcome', 15_000, async () => /The Server URL setting \(instamrkt\.serverUrl\) cannot be used/.test(await wb.viewWelcome(VIEW))),
      );
      assert.match(await wb.viewWelcome(VIEW), /Open Settings/);
      await step('click Open Settings', () => wb.clickNotificationButton(MESSAGE, 'Open Settings'));
      const editor = page.locator('.settings-editor');
      await step('the Settings editor searches for the setting', () =>
        waitUntil('the Settings editor to search for instamrkt.serverUrl', 15_000, async () =>
          /instamrkt\.serverUrl/.test((await editor.locator('.settings-header .monaco-editor .view-lines').first().innerText().catch(() => '')).replace(/\u00a0/g, ' ')),
        ),
      );
      await editor.locator('.setting-item-contents', { hasText: 'Server Url' }).first().waitFor({ state: 'visible', timeout: 15_000 });

      await step('reload the window', () => page.reload());
      await step('the message at start', () => wb.waitForNotification(MESSAGE, 60_000));
    } finally {
      restoredBefore = restored(f.harness.userDataDir);
      await step('restore instamrkt.serverUrl in the Settings editor', () => setUserSetting(wb, f.harness.userDataDir, 'instamrkt.serverUrl', f.serverUrl));
    }
    // Leave things as found: the extension back on the run's emulator, signed out as before.
    await waitUntil('the extension to see the restored setting', 30_000, async () => restored(f.harness.userDataDir) > restoredBefore);
    await step('signed out again in the status bar', () => wb.waitForStatusBar(/Instamrkt: signed out/, 30_000));
    await waitUntil('the bad-setting welcome to go', 15_000, async () => !/cannot be used/.test(await wb.viewWelcome(VIEW)));
    await wb.runCommand('Notifications: Clear All Notifications');
    await wb.runCommand('View: Close All Editors');
  });
});
