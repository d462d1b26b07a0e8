// Which side of a VS Code window runs the extension, from the two facts VS
// Code gives (env.remoteName, env.uiKind): this computer, or a remote one
// (SSH, WSL, a container, a Codespace, a tunnel, or the server behind a
// browser window). Where it runs is where its connections start, so whose
// network, proxy settings and trusted certificates apply. Pure, so the status
// tooltip and Test Connection say the same thing.

export interface HostFacts {
  /** vscode.env.remoteName: undefined in a local window. */
  readonly remoteName: string | undefined;
  /** vscode.env.uiKind, as text. */
  readonly uiKind: 'desktop' | 'web';
}

export interface WhereItRuns {
  /** Connections start somewhere other than the computer in front of the user. */
  readonly remote: boolean;
  /** One line: "this computer (local window)", "a remote machine over SSH (ssh-remote)", ... */
  readonly summary: string;
}

const REMOTES: Readonly<Record<string, string>> = {
  'ssh-remote': 'a remote machine over SSH',
  wsl: 'WSL (Windows Subsystem for Linux)',
  'dev-container': 'a development container',
  'attached-container': 'a container',
  'k8s-container': 'a Kubernetes container',
  codespaces: 'a GitHub Codespace',
  tunnel: 'a remote machine over a tunnel',
};

export function whereItRuns(facts: HostFacts): WhereItRuns {
  const name = facts.remoteName?.trim() || undefined;
  // A browser cannot run this Node extension: in a web window it runs on the server behind the page
  // (code-server, for one, names that remote by its host:port).
  const web = facts.uiKind === 'web';
  // Stryker disable next-line ConditionalExpression: the guard is for the type checker; REMOTES has no "undefined" key either way
  if (name !== undefined && Object.hasOwn(REMOTES, name)) return { remote: true, summary: `${REMOTES[name]} (${name})${web ? ', opened in a browser' : ''}` };
  if (web) return { remote: true, summary: `the server behind this browser window${name === undefined ? '' : ` (${name})`}` };
  if (name !== undefined) return { remote: true, summary: `a remote host (${name})` };
  return { remote: false, summary: 'this computer (a local window)' };
}

/** What follows from where it runs, for a user who wonders why a connection works here and not there (Test Connection only: apart, so activation does not carry it). */
export function whatFollows(where: WhereItRuns): string {
  return where.remote
    ? "Connections to Instamrkt start there: that side's network, proxy settings and trusted certificates apply, and the local emulator runs there. VS Code keeps your sign-in in its secret storage on the side of the window."
    : 'Connections to Instamrkt start on this computer, with its network, proxy settings and trusted certificates.';
}
