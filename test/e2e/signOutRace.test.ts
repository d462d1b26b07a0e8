// Sign Out during a slow sign-in, as a person does it in the browser (issue
// 8, A1): Sign In, then Sign Out from the palette while the server holds the
// answer the sign-in waits for. The sign-out wins: no error is shown, no
// socket stays open, and a reload is still signed out (nothing was stored).
// While signed out, the palette offers no Sign Out, so a person meets the
// slow login when switching accounts (signed in already), and the slow logon
// when signing in from the welcome. The in-host test (signInRaces) covers
// both from the API, and two sign-ins in flight; this one adds the reload.
import * as assert from 'node:assert/strict';
import type { EmulatorFaults } from '../../src/emulator/faults';
import { isSignedIn, putSignInBack, signInAsDemo, signOut } from './account';
import { useFixture, waitForServerLog, type E2eFixture } from './fixture';
import { waitUntil } from './workbench';

const VIEW = 'Game Sources';
/**
 * How long the server holds the answer: ample time to run Sign Out from the
 * palette, and less than the client waits for a REST answer (15 s) or a reply
 * (requestTimeoutSeconds, 10 s by default), so that the answer does come.
 */
const SLOW_MS = 8_000;
const SIGNING_IN = /Signing in to Instamrkt/;

/** The server's --verbose log lines stamped at or after `since` (epoch ms). */
function serverLinesSince(f: E2eFixture, since: number): string[] {
  return f
    .server()
    .child.tail(200)
    .split('\n')
    .filter((line) => Date.parse(line.slice(0, 24)) >= since);
}

describe('Sign Out during a slow sign-in (in the browser)', function () {
  this.timeout(240_000);
  const fixture = useFixture();
  let wasSignedIn = false;

  beforeEach(async () => {
    const { workbench: wb, step } = fixture();
    await step('open the Instamrkt view', () => wb.openViewContainer('Instamrkt'));
    wasSignedIn = await isSignedIn(wb);
  });

  afterEach(async () => {
    const f = fixture();
    await f.restartServer();
    await putSignInBack(f.workbench, wasSignedIn);
  });

  /**
   * With the server holding what `waitingOn` shows it received, signs in (by
   * `startSignIn`), runs Sign Out from the palette, and checks what a person
   * sees: signed out, the sign-in over without an error, no socket of ours
   * left open, the key issued to the sign-in ended (`keysEnded` counts it, and
   * the signed-in account's own when there was one), and signed out after a reload.
   */
  async function signOutWhileSigningIn(faults: EmulatorFaults, startSignIn: () => Promise<void>, waitingOn: RegExp, keysEnded: number): Promise<void> {
    const f = fixture();
    const { workbench: wb, step, page } = f;
    await step('the server comes back slow', () => f.restartServer({ faults }));
    await wb.runCommand('Notifications: Clear All Notifications');
    const started = Date.now();
    await startSignIn();
    await step('the sign-in waits for the server', () => wb.waitForNotification(SIGNING_IN));
    await waitForServerLog(f.server(), 'the server to hold the sign-in', waitingOn);
    const progress = page.locator('.notification-toast', { hasText: SIGNING_IN });
    assert.ok(await progress.isVisible(), 'the sign-in is still waiting for the server');
    const signedOutAt = Date.now();
    await step('run Sign Out from the palette', () => wb.runCommand('Instamrkt: Sign Out'));
    await step('signed out', () => wb.waitForStatusBar(/Instamrkt: signed out/));

    await step('the sign-in ends', () => progress.waitFor({ state: 'hidden', timeout: SLOW_MS + 30_000 }));
    const toasts = await page.locator('.notification-toast .notification-list-item-message').allInnerTexts();
    assert.deepEqual(toasts, [], 'nothing is shown about the cancelled sign-in');
    const items = await wb.statusBarItems();
    assert.ok(items.includes('Instamrkt: signed out'), `still signed out once the sign-in ended: ${items.join(' | ')}`);
    await waitUntil(
      `${keysEnded} key(s) ended on the server, the cancelled sign-in's included`,
      20_000,
      async () => serverLinesSince(f, signedOutAt).filter((line) => / logout: one session ended$/.test(line)).length >= keysEnded,
      async () => `the server's lines since Sign Out:\n${serverLinesSince(f, signedOutAt).join('\n')}`,
    );

    await step('reload the window', () => page.reload());
    await step('signed out after the reload', () => wb.waitForStatusBar(/Instamrkt: signed out/, 60_000));
    // The welcome is rendered from a context key, a moment after the status bar: wait for it rather than read it once.
    await waitUntil('the sign-in welcome after the reload', 30_000, async () => /Sign in to Instamrkt/.test(await wb.viewWelcome(VIEW)));
    const lines = serverLinesSince(f, signedOutAt);
    const opened = lines.filter((line) => / connected: user 1001/.test(line)).length;
    const closed = lines.filter((line) => / disconnected: user 1001/.test(line)).length;
    assert.ok(opened <= closed, `no socket of ours left open since Sign Out:\n${lines.join('\n')}`);
    assert.ok(
      serverLinesSince(f, started).some((line) => / login: demo \(1001\)$/.test(line)),
      'the sign-in reached the server (the race was real)',
    );
  }

  it('switching accounts, the server slow to answer the login: Sign Out wins, and a reload stays signed out', async () => {
    const { workbench: wb, step } = fixture();
    if (!(await isSignedIn(wb))) await step('sign in first', () => signInAsDemo(wb));
    await signOutWhileSigningIn(
      { slowLoginMs: SLOW_MS },
      async () => {
        await wb.runCommand('Instamrkt: Sign In');
        await wb.answerInput('demo', { prompt: /Username/ });
        await wb.answerInput('demo', { prompt: /Password/, password: true });
      },
      / login: demo \(1001\)$/,
      2,
    );
  });

  it('signing in from the welcome, the server slow to answer the logon: Sign Out wins, and a reload stays signed out', async () => {
    const { workbench: wb, step } = fixture();
    if (await isSignedIn(wb)) await signOut(wb);
    await signOutWhileSigningIn(
      { slowLogonMs: SLOW_MS },
      async () => {
        await step('click Sign In', () => wb.clickWelcomeButton(VIEW, 'Sign In'));
        await wb.answerInput('demo', { prompt: /Username/ });
        await wb.answerInput('demo', { prompt: /Password/, password: true });
      },
      / user 1001: logon$/,
      1,
    );
  });
});
