// Debian's Chromium driven by playwright-core (no browser download: see
// ../shared/ENVIRONMENT.md), and opening the VS Code workbench in it.
import * as fs from 'node:fs';
import { chromium, type Browser, type Page } from 'playwright-core';
import { CHROMIUM_PATH } from './paths';
import { BROWSER_PACKAGES, ensureSystemPackages } from './systemPackages';

const CHROMIUM_FLAGS = ['--no-sandbox', '--disable-gpu', '--disable-background-networking', '--disable-component-update', '--disable-sync', '--no-first-run', '--disable-dev-shm-usage'];

export const VIEWPORT = { width: 1440, height: 900 } as const;

export async function launchBrowser(): Promise<Browser> {
  if (!fs.existsSync(CHROMIUM_PATH)) await ensureSystemPackages(BROWSER_PACKAGES);
  // Our own handlers stop the browser together with the other children.
  return chromium.launch({ executablePath: CHROMIUM_PATH, args: CHROMIUM_FLAGS, headless: true, handleSIGINT: false, handleSIGTERM: false, handleSIGHUP: false });
}

/** Opens `url` and resolves once the workbench has rendered. */
export async function openWorkbench(browser: Browser, url: string, timeoutMs = 90_000): Promise<Page> {
  // The workbench's clipboard (vscode.env.clipboard) is the browser's: without these it waits forever.
  const context = await browser.newContext({ viewport: VIEWPORT, permissions: ['clipboard-read', 'clipboard-write'] });
  const page = await context.newPage();
  await page.goto(url, { timeout: timeoutMs });
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: timeoutMs });
  return page;
}
