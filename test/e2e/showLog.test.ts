// A person opens the command palette, runs "Instamrkt: Show Log", and sees
// the extension's output channel.
import * as assert from 'node:assert/strict';
import { useFixture } from './fixture';

describe('Instamrkt: Show Log (in the browser)', () => {
  const fixture = useFixture();

  it('shows the "Instamrkt" output channel', async () => {
    const { workbench, step } = fixture();
    await step('workbench open', () => workbench.page.locator('.part.statusbar').waitFor({ state: 'visible' }));
    assert.equal(await workbench.shownOutputChannel(), undefined, 'no output channel is shown before the command runs');
    await step('run Instamrkt Show Log from the palette', () => workbench.runCommand('Instamrkt: Show Log'));
    await step('Output view shows the Instamrkt channel', () => workbench.waitForOutputChannel('Instamrkt'));
    assert.equal(await workbench.shownOutputChannel(), 'Instamrkt');
  });
});
