// What a person could have read while the extension was finding out the
// truth: from the first byte of every page load, a MutationObserver records
// each text the page adds or changes that states something the extension may
// only say when it knows it (signed out, the sign-in welcome, no sources), and
// the texts that honestly say it is still finding out (reading the list, the
// last known list). A test reloads, waits for the true state, then asks what
// was shown on the way.
import type { Page } from 'playwright-core';

/** Texts that claim a state: false while the stored sign-in or the list is still being read. */
export const CLAIMS = /Sign in to Instamrkt|Instamrkt: signed out|You have no open game sources/;
/** Texts that say the list is still being read: what may show instead. */
export const STILL_READING = /Reading your game sources|Reading the list from the server — showing the list as last known at|Offline — showing the list as last known at/;

const RECORDED = new RegExp(`${CLAIMS.source}|${STILL_READING.source}`);

const installed = new WeakSet<Page>();

/** Starts recording on every later load of `page` (once per page; reloads keep it). */
export async function recordShownTexts(page: Page): Promise<void> {
  if (installed.has(page)) return;
  installed.add(page);
  await page.addInitScript((source: string) => {
    // Runs in the page: the few DOM types it needs, without the DOM lib in this Node project.
    type TextNode = { textContent: string | null };
    type Change = { type: string; target: TextNode; addedNodes: ArrayLike<TextNode> };
    type Observer = { observe(target: unknown, options: object): void };
    const page = globalThis as unknown as { document: unknown; MutationObserver: new (callback: (changes: Change[]) => void) => Observer };
    const recorded = new RegExp(source, 'g');
    const shown: string[] = [];
    const check = (text: string | null | undefined): void => {
      for (const found of text?.matchAll(recorded) ?? []) if (!shown.includes(found[0])) shown.push(found[0]);
    };
    new page.MutationObserver((changes) => {
      for (const change of changes) {
        if (change.type === 'characterData') check(change.target.textContent);
        for (const node of Array.from(change.addedNodes)) check(node.textContent);
      }
    }).observe(page.document, { childList: true, subtree: true, characterData: true });
    Object.assign(globalThis, { instamrktShownTexts: shown });
  }, RECORDED.source);
}

/** The texts (matches of CLAIMS or STILL_READING) shown since the page last loaded, each once, in the order first seen. */
export async function shownTexts(page: Page): Promise<string[]> {
  const shown = await page.evaluate(() => (globalThis as unknown as { instamrktShownTexts?: string[] }).instamrktShownTexts);
  if (!shown) throw new Error('nothing was recorded: call recordShownTexts() before the page loads');
  return shown;
}
