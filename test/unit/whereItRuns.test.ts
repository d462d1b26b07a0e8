// Where the extension runs, from VS Code's env.remoteName and env.uiKind:
// what the status tooltip and Test Connection both say.
import * as assert from 'node:assert/strict';
import { whatFollows, whereItRuns } from '../../src/sources/whereItRuns';

describe('whereItRuns', () => {
  it('a local desktop window: this computer, not remote', () => {
    const w = whereItRuns({ remoteName: undefined, uiKind: 'desktop' });
    assert.equal(w.remote, false);
    assert.equal(w.summary, 'this computer (a local window)');
    assert.match(whatFollows(w), /^Connections to Instamrkt start on this computer/);
  });

  const remotes: [string, string][] = [
    ['ssh-remote', 'a remote machine over SSH (ssh-remote)'],
    ['wsl', 'WSL (Windows Subsystem for Linux) (wsl)'],
    ['dev-container', 'a development container (dev-container)'],
    ['attached-container', 'a container (attached-container)'],
    ['k8s-container', 'a Kubernetes container (k8s-container)'],
    ['codespaces', 'a GitHub Codespace (codespaces)'],
    ['tunnel', 'a remote machine over a tunnel (tunnel)'],
    ['some-new-remote', 'a remote host (some-new-remote)'],
  ];
  for (const [remoteName, summary] of remotes) {
    it(`remoteName ${remoteName}: remote, named, and connections start there`, () => {
      const w = whereItRuns({ remoteName, uiKind: 'desktop' });
      assert.equal(w.remote, true);
      assert.equal(w.summary, summary);
      assert.match(whatFollows(w), /^Connections to Instamrkt start there: that side's network, proxy settings and trusted certificates apply/);
    });
  }

  it('a remote opened in a browser says so', () => {
    assert.equal(whereItRuns({ remoteName: 'codespaces', uiKind: 'web' }).summary, 'a GitHub Codespace (codespaces), opened in a browser');
  });

  it('a web window without a remote name: the server behind the page (a browser cannot run this extension), remote', () => {
    const w = whereItRuns({ remoteName: undefined, uiKind: 'web' });
    assert.equal(w.remote, true);
    assert.equal(w.summary, 'the server behind this browser window');
  });

  it("a web window whose remote has no known kind (code-server names it by host:port): the server behind the page, named", () => {
    const w = whereItRuns({ remoteName: '127.0.0.1:8080', uiKind: 'web' });
    assert.equal(w.remote, true);
    assert.equal(w.summary, 'the server behind this browser window (127.0.0.1:8080)');
  });

  it('a blank remote name counts as none', () => {
    assert.equal(whereItRuns({ remoteName: '  ', uiKind: 'desktop' }).remote, false);
  });
});
