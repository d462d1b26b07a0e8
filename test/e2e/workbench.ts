// What a person does in the VS Code workbench, as Playwright actions: run a
// command from the palette, answer input boxes and quick picks, open an
// activity-bar view, read and right-click tree rows, answer modal dialogs,
// read the status bar. Selectors are those of VS Code 1.139 for the web
// (see ../shared/ENVIRONMENT.md). Every wait has a deadline; none sleeps.
import type { Locator, Page } from 'playwright-core';

/** Default deadline of one UI action. */
export const UI_TIMEOUT_MS = 15_000;

export class Workbench {
  constructor(readonly page: Page) {}

  // ---- command palette, input boxes, quick picks -------------------------

  /** The quick input widget (palette, input boxes and quick picks share it). */
  get quickInput(): Locator {
    return this.page.locator('.quick-input-widget');
  }

  private get quickInputBox(): Locator {
    return this.quickInput.locator('input.input');
  }

  private get quickRows(): Locator {
    return this.quickInput.locator('.quick-input-list .monaco-list-row');
  }

  /** Runs a command by its full palette title, e.g. "Instamrkt: Show Log"; fails if the palette does not list it. */
  async runCommand(title: string): Promise<void> {
    await this.openPalette();
    await this.quickInputBox.fill(`>${title}`);
    await this.clickQuickRow(title, `command "${title}" is not in the command palette`);
  }

  async openPalette(): Promise<void> {
    await this.dismissQuickInput();
    // Right after a reload the workbench may not take keys yet, and an F1 then is lost: press again until the palette shows.
    await waitUntil('the command palette to open', UI_TIMEOUT_MS, async () => {
      if (await this.quickInputBox.isVisible()) return true;
      await this.page.keyboard.press('F1');
      return this.quickInputBox.waitFor({ state: 'visible', timeout: 2_000 }).then(
        () => true,
        () => false,
      );
    });
  }

  /** Waits for an input box (optionally one whose prompt or placeholder matches), types `text` and presses Enter. */
  async answerInput(text: string, options: { prompt?: string | RegExp; password?: boolean } = {}): Promise<void> {
    await this.typeInInput(text, options);
    await this.page.keyboard.press('Enter');
  }

  /** Like answerInput without pressing Enter (to see live validation). */
  async typeInInput(text: string, options: { prompt?: string | RegExp; password?: boolean } = {}): Promise<void> {
    const input = options.password ? this.quickInput.locator('input[type=password]') : this.quickInputBox;
    await input.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    if (options.prompt !== undefined) await this.waitForQuickInputText(options.prompt);
    await input.fill(text);
  }

  /** The text of the quick input's prompt, placeholder, title and message (validation). */
  async quickInputText(): Promise<string> {
    const parts = await this.quickInput.evaluate((widget) => {
      const input = widget.querySelector('input.input');
      const texts = [widget.querySelector('.quick-input-title')?.textContent ?? '', input?.getAttribute('placeholder') ?? '', input?.getAttribute('aria-label') ?? '', widget.querySelector('.quick-input-message')?.textContent ?? ''];
      return texts.filter((text) => text.trim() !== '');
    });
    return parts.join('\n');
  }

  /** The validation message under the input (empty when none). */
  async quickInputMessage(): Promise<string> {
    return ((await this.quickInput.locator('.quick-input-message').textContent()) ?? '').trim();
  }

  /**
   * Waits until the quick input's title, placeholder, prompt or message matches.
   * VS Code shows an input box's prompt in the message line, so a validation
   * message hides the prompt: check the prompt before typing, not after.
   */
  async waitForQuickInputText(expected: string | RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
    await waitUntil(
      `the quick input to show ${String(expected)}`,
      timeoutMs,
      async () => matches(await this.quickInputText(), expected),
      async () => `it shows: ${(await this.quickInputText()).replace(/\n/g, ' | ')} (a validation message replaces the prompt)`,
    );
  }

  /** Labels of the rows of the open quick pick. */
  async quickItems(): Promise<string[]> {
    await this.quickRows.first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    return this.quickRows.locator('.label-name').allTextContents();
  }

  /** Clicks the quick pick row labelled `label` (for a multi-select pick, toggles it). */
  async pickQuickItem(label: string): Promise<void> {
    await this.clickQuickRow(label, `no quick pick item "${label}"`);
  }

  /** Closes the quick input if open (Escape: cancels an input box). */
  async dismissQuickInput(): Promise<void> {
    if (await this.quickInput.isVisible()) {
      await this.page.keyboard.press('Escape');
      await this.quickInput.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    }
  }

  private async clickQuickRow(label: string, notFound: string): Promise<void> {
    const row = this.quickRows.filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    } catch {
      const shown = await this.quickRows.locator('.label-name').allTextContents();
      throw new Error(`${notFound} (rows shown: ${shown.join(' | ') || 'none'})`);
    }
    await row.click();
  }

  // ---- activity bar, views, trees ------------------------------------------

  /** Clicks the activity-bar entry whose title starts with `title` (e.g. "Instamrkt") and waits for its side bar. */
  async openViewContainer(title: string): Promise<void> {
    const entry = this.page.locator(`.activitybar .action-item a[aria-label^="${cssString(title)}"]`).first();
    await entry.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const checked = await entry.evaluate((el) => el.closest('.action-item')?.classList.contains('checked') ?? false);
    if (!checked) await entry.click();
    await this.page.locator('.part.sidebar .composite.title', { hasText: title }).first().waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
  }

  /** The pane of a view by its (case-insensitive) name, e.g. "Game Sources". */
  view(name: string): Locator {
    return this.page.locator('.pane').filter({ has: this.page.locator('.pane-header', { hasText: new RegExp(escapeRegExp(name), 'i') }) }).first();
  }

  /** Rows of a tree view (visible ones: trees are virtualised). */
  treeRows(viewName: string): Locator {
    return this.view(viewName).locator('.monaco-list-row');
  }

  /** The labels of a tree view's visible rows, top to bottom. */
  async treeLabels(viewName: string): Promise<string[]> {
    return this.treeRows(viewName).locator('.label-name').allTextContents();
  }

  /** The row whose label is exactly `label`; waits for it. */
  async treeRow(viewName: string, label: string, timeoutMs = UI_TIMEOUT_MS): Promise<Locator> {
    const row = this.treeRows(viewName).filter({ has: this.page.locator('.label-name', { hasText: exactly(label) }) }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: timeoutMs });
    } catch {
      throw new Error(`no row "${label}" in view "${viewName}" (rows: ${(await this.treeLabels(viewName)).join(' | ') || 'none'})`);
    }
    return row;
  }

  /** The text of a view's welcome content (its buttons included), empty if none is shown. */
  async viewWelcome(viewName: string): Promise<string> {
    const welcome = this.view(viewName).locator('.welcome-view-content');
    return (await welcome.count()) > 0 ? ((await welcome.first().innerText()) ?? '').trim() : '';
  }

  /** Clicks a button of a view's welcome content by its label. */
  async clickWelcomeButton(viewName: string, label: string): Promise<void> {
    await this.view(viewName).locator('.welcome-view-content .monaco-button', { hasText: exactly(label) }).first().click({ timeout: UI_TIMEOUT_MS });
  }

  /** Clicks a view's title-bar action by its tooltip/label (e.g. "Refresh"); shows the actions on hover first. */
  async clickViewAction(viewName: string, label: string): Promise<void> {
    const pane = this.view(viewName);
    const header = pane.locator('.pane-header');
    const selector = `.action-label[aria-label^="${cssString(label)}"]`;
    // A container holding one view hides that view's header and shows its actions in the container's title bar.
    if (await header.first().isHidden()) {
      const title = this.page.locator('.part.sidebar .composite.title');
      await title.hover();
      await title.locator(`.actions-container ${selector}`).first().click({ timeout: UI_TIMEOUT_MS });
      return;
    }
    await header.hover();
    await pane.locator(`.pane-header .actions ${selector}`).first().click({ timeout: UI_TIMEOUT_MS });
  }

  // ---- context menus ----------------------------------------------------------

  /** Right-clicks `target`, waits until the menu is visible and its opening animation has finished, and clicks `item`. */
  async contextMenu(target: Locator, item: string): Promise<void> {
    await target.click({ button: 'right' });
    const menu = await this.openMenu();
    const entry = menu.locator('.action-item').filter({ has: this.page.locator('.action-label', { hasText: exactly(item) }) }).first();
    try {
      await entry.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    } catch {
      const items = await menu.locator('.action-item .action-label').allTextContents();
      throw new Error(`no context-menu item "${item}" (items: ${items.filter((text) => text.trim() !== '').join(' | ')})`);
    }
    await entry.click();
    await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  /** Items of the context menu of `target` (then closes it with Escape). */
  async contextMenuItems(target: Locator): Promise<string[]> {
    await target.click({ button: 'right' });
    const menu = await this.openMenu();
    const items = (await menu.locator('.action-item .action-label').allTextContents()).filter((text) => text.trim() !== '');
    await this.page.keyboard.press('Escape');
    await menu.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
    return items;
  }

  private async openMenu(): Promise<Locator> {
    // Earlier menus stay in the DOM hidden: only the visible one counts.
    const menu = this.page.locator('.monaco-menu:visible').last();
    await menu.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    // A click during the fade-in is lost: wait for every animation in the menu to finish.
    await menu.evaluate(
      (el) =>
        new Promise<void>((resolve) => {
          // Typed structurally: the project's lib has no DOM types.
          interface Animated {
            getAnimations(options: { subtree: boolean }): { playState: string }[];
          }
          const start = el as unknown as Animated & { closest(selector: string): Animated | null };
          const root = start.closest('.context-view') ?? start;
          const nextFrame = (globalThis as unknown as { requestAnimationFrame(callback: () => void): void }).requestAnimationFrame;
          const check = (): void => {
            const running = root.getAnimations({ subtree: true }).some((animation) => animation.playState === 'running' || animation.playState === 'pending');
            if (running) nextFrame(check);
            else resolve();
          };
          check();
        }),
    );
    return menu;
  }

  // ---- modal dialogs -----------------------------------------------------

  get dialog(): Locator {
    return this.page.locator('.monaco-dialog-box');
  }

  /** Waits for a modal dialog and returns its text (message and detail) and button labels. */
  async waitForDialog(timeoutMs = UI_TIMEOUT_MS): Promise<{ text: string; buttons: string[] }> {
    await this.dialog.waitFor({ state: 'visible', timeout: timeoutMs });
    const text = ((await this.dialog.locator('.dialog-message-container, .dialog-message').first().innerText()) ?? '').trim();
    const buttons = (await this.dialog.locator('.dialog-buttons .monaco-button').allInnerTexts()).map((label) => label.trim());
    return { text, buttons };
  }

  /** Clicks a modal dialog's button by its label and waits for the dialog to close. */
  async clickDialogButton(label: string): Promise<void> {
    await this.dialog.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    const button = this.dialog.locator('.dialog-buttons .monaco-button', { hasText: exactly(label) }).first();
    try {
      await button.waitFor({ state: 'visible', timeout: UI_TIMEOUT_MS });
    } catch {
      const labels = await this.dialog.locator('.dialog-buttons .monaco-button').allInnerTexts();
      throw new Error(`no dialog button "${label}" (buttons: ${labels.join(' | ')})`);
    }
    await button.click();
    await this.dialog.waitFor({ state: 'hidden', timeout: UI_TIMEOUT_MS });
  }

  // ---- status bar, notifications, panel -----------------------------------

  /** Status bar entries as shown: their visible text (a codicon adds no text). */
  async statusBarItems(): Promise<string[]> {
    return (await this.readStatusBar()).map((item) => item.text).filter((text) => text !== '');
  }

  /** Status bar entries' accessible labels (what a screen reader says; VS Code falls back to the text). */
  async statusBarLabels(): Promise<string[]> {
    return (await this.readStatusBar()).map((item) => item.label).filter((label) => label !== '');
  }

  /** The status bar entry whose visible text matches. */
  statusBarItem(text: string | RegExp): Locator {
    return this.page.locator('.statusbar .statusbar-item').filter({ hasText: text }).first();
  }

  /**
   * Waits until a status bar entry's visible text or accessible label matches
   * `expected`; returns whichever matched (the text when both do).
   */
  async waitForStatusBar(expected: string | RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
    let found = '';
    let items: { text: string; label: string }[] = [];
    await waitUntil(
      `a status bar item matching ${String(expected)}`,
      timeoutMs,
      async () => {
        items = await this.readStatusBar();
        const item = items.find((entry) => matches(entry.text, expected) || matches(entry.label, expected));
        found = item ? (matches(item.text, expected) ? item.text : item.label) : '';
        return item !== undefined;
      },
      async () => `items (text / label): ${items.map((item) => `${item.text} / ${item.label}`).join(' | ')}`,
    );
    return found;
  }

  private async readStatusBar(): Promise<{ text: string; label: string }[]> {
    return this.page.locator('.statusbar .statusbar-item').evaluateAll((elements) =>
      elements.map((el) => ({
        text: (el.textContent ?? '').replace(/\s+/g, ' ').trim(),
        label: (el.querySelector('[aria-label]')?.getAttribute('aria-label') ?? '').trim(),
      })),
    );
  }

  /** Waits for a notification toast containing `text`; returns its full message. */
  async waitForNotification(text: string | RegExp, timeoutMs = UI_TIMEOUT_MS): Promise<string> {
    const toast = this.page.locator('.notification-toast', { hasText: text }).first();
    await toast.waitFor({ state: 'visible', timeout: timeoutMs });
    return ((await toast.locator('.notification-list-item-message').first().innerText()) ?? '').trim();
  }

  /** Clicks a button of the notification containing `text`. */
  async clickNotificationButton(text: string | RegExp, button: string): Promise<void> {
    const toast = this.page.locator('.notification-toast', { hasText: text }).first();
    await toast.locator('.monaco-button', { hasText: exactly(button) }).first().click({ timeout: UI_TIMEOUT_MS });
  }

  /** The output channel the Output view currently shows, or undefined when the Output view is not shown. */
  async shownOutputChannel(): Promise<string | undefined> {
    const panel = this.page.locator('.part.panel');
    if (!(await panel.isVisible())) return undefined;
    const select = panel.locator('.composite.title select.monaco-select-box, .pane-header select.monaco-select-box').first();
    if (!(await select.isVisible())) return undefined;
    return select.evaluate((el) => {
      const chosen = (el as unknown as { selectedOptions: ArrayLike<{ textContent: string | null }> }).selectedOptions[0];
      return chosen?.textContent?.trim() ?? undefined;
    });
  }

  /** Waits until the Output view shows the channel `name`. */
  async waitForOutputChannel(name: string, timeoutMs = UI_TIMEOUT_MS): Promise<void> {
    let shown: string | undefined;
    await waitUntil(
      `the Output view to show channel "${name}"`,
      timeoutMs,
      async () => {
        shown = await this.shownOutputChannel();
        return shown === name;
      },
      async () => `it shows ${shown === undefined ? 'no output channel' : `"${shown}"`}`,
    );
  }
}

/** Matches text that is exactly `value` (after trimming). */
export function exactly(value: string): RegExp {
  return new RegExp(`^\\s*${escapeRegExp(value)}\\s*$`);
}

function escapeRegExp(value: string): string {
  return value.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}

function cssString(value: string): string {
  return value.replace(/["\\]/g, '\\$&');
}

function matches(text: string, expected: string | RegExp): boolean {
  return typeof expected === 'string' ? text.includes(expected) : expected.test(text);
}

/** Polls `check` (each poll is a round trip to the page) until true or the deadline. */
export async function waitUntil(what: string, timeoutMs: number, check: () => Promise<boolean>, describeState?: () => Promise<string>): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check()) return;
    if (Date.now() > deadline) {
      const state = describeState ? `; ${await describeState()}` : '';
      throw new Error(`timed out after ${timeoutMs / 1000} s waiting for ${what}${state}`);
    }
    await new Promise((resolve) => setTimeout(resolve, 100));
  }
}
