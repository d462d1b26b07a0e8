// Changing a user setting as a person does, in the Settings editor: a running
// window does not pick up outside writes to the user settings.json (see
// ../shared/ENVIRONMENT.md), and in the suite's untrusted folder a workspace
// value of a restricted setting (instamrkt.serverUrl, restUrl) is ignored.
import * as fs from 'node:fs';
import * as path from 'node:path';
import type { Workbench } from './workbench';
import { UI_TIMEOUT_MS, waitUntil } from './workbench';

/** The value of `id` in the user settings.json under `userDataDir`, if set. */
function writtenValue(userDataDir: string, id: string): unknown {
  try {
    return (JSON.parse(fs.readFileSync(path.join(userDataDir, 'User', 'settings.json'), 'utf8')) as Record<string, unknown>)[id];
  } catch {
    return undefined;
  }
}

/**
 * Opens the User tab of the Settings editor, finds `id` and types `value`
 * into its text box; once the user settings.json holds it, closes the editor.
 */
export async function setUserSetting(wb: Workbench, userDataDir: string, id: string, value: string): Promise<void> {
  const page = wb.page;
  await wb.runCommand('Preferences: Open User Settings');
  const editor = page.locator('.settings-editor');
  await editor.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  // The search box is a small Monaco editor: focus it, replace its text with the setting's id.
  await editor.locator('.settings-header .monaco-editor').first().click();
  await page.keyboard.press('Control+A');
  await page.keyboard.type(`@id:${id}`);
  const box = editor.locator('.setting-item-contents input.input').first();
  await waitUntil(`the Settings editor to show ${id}`, UI_TIMEOUT_MS, async () => (await editor.locator('.setting-item-contents input.input').count()) === 1);
  await box.fill(value);
  // The editor writes after a short debounce; closing it earlier would lose the change.
  await waitUntil(`the user settings to hold ${id} = ${value}`, UI_TIMEOUT_MS, async () => writtenValue(userDataDir, id) === value);
  // VS Code 1.139 shows the Settings editor over the workbench, where F1 does nothing: Escape closes it.
  await waitUntil('the Settings editor to close', UI_TIMEOUT_MS, async () => {
    if (!(await editor.isVisible())) return true;
    await page.keyboard.press('Escape');
    return false;
  });
}
