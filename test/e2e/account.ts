// The run's sign-in as the e2e tests find it, change it and put it back,
// through what a person uses (the palette, the input boxes, the status bar),
// so that no test depends on the order in which the files run.
import type { Workbench } from './workbench';

/** The status bar once the extension knows the state (a label or a text; "starting" matches none). */
const SETTLED = /Instamrkt: (connected|signed out|disconnected|retrying|sign-in failed)/;

/** Waits until the status bar shows a known state; true unless it is signed out. */
export async function isSignedIn(wb: Workbench): Promise<boolean> {
  return !/signed out/.test(await wb.waitForStatusBar(SETTLED, 60_000));
}

export async function signInAsDemo(wb: Workbench): Promise<void> {
  await wb.runCommand('Instamrkt: Sign In');
  await wb.answerInput('demo', { prompt: /Username/ });
  await wb.answerInput('demo', { prompt: /Password/, password: true });
  await wb.waitForStatusBar(/Instamrkt: connected/, 30_000);
}

export async function signOut(wb: Workbench): Promise<void> {
  await wb.runCommand('Instamrkt: Sign Out');
  await wb.waitForStatusBar(/Instamrkt: signed out/);
}

/** Signs in or out so that the run is signed in exactly when `signedIn`. */
export async function putSignInBack(wb: Workbench, signedIn: boolean): Promise<void> {
  const now = await isSignedIn(wb);
  if (now && !signedIn) await signOut(wb);
  if (!now && signedIn) await signInAsDemo(wb);
}
