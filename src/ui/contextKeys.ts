// What the status bar and the view's welcome content follow: the session's
// status (status item, `instamrkt.state`, `instamrkt.usingEmulator`), whether
// the server's list is loaded and empty (`instamrkt.listLoaded`,
// `instamrkt.listEmpty`), and which connection setting cannot be used
// (`instamrkt.badSetting`), so the not-connected welcome names the reason.
import vscode = require('vscode');
import { ContextKeys, Settings } from '../host/ids';
import type { Session } from '../sources/session';
import { listOwner, type SourceService } from '../sources/sourceService';
import type { StatusBar } from './statusBar';
import type { Config } from '../host/config';

const setContext = (key: string, value: unknown) => void vscode.commands.executeCommand('setContext', key, value);

export function followStatus(session: Session, service: SourceService, statusBar: StatusBar): vscode.Disposable {
  // Set only on a change: the status changes with every latency reading, and each setContext is a message to the window.
  let shown: { state?: string; usingEmulator?: boolean } = {};
  return session.onDidChange(() => {
    const snap = session.snapshot;
    statusBar.update(snap);
    if (snap.status.kind !== shown.state) setContext(ContextKeys.state, snap.status.kind);
    if (snap.usingEmulator !== shown.usingEmulator) setContext(ContextKeys.usingEmulator, snap.usingEmulator);
    shown = { state: snap.status.kind, usingEmulator: snap.usingEmulator };
    // Not connected and nothing shown yet: the last known list, marked stale, rather than nothing.
    if ((snap.status.kind === 'connecting' || snap.status.kind === 'disconnected') && service.state.kind === 'empty') service.showCached(listOwner(snap.serverUrl, snap.userId));
  });
}

export function followList(service: SourceService): vscode.Disposable {
  const keys = { loaded: false, empty: false };
  return service.onDidChange(() => {
    // "No open game sources" shows only when the server's list is empty: a list that has rows
    // matches no welcome while they reach the tree (the view is blank for that moment, not "no sources").
    const loaded = service.state.kind === 'live';
    const empty = loaded && service.list().length === 0;
    // Empty first: on the way to "read and empty", "Reading…" stays until both keys say so.
    if (empty !== keys.empty) setContext(ContextKeys.listEmpty, (keys.empty = empty));
    if (loaded !== keys.loaded) setContext(ContextKeys.listLoaded, (keys.loaded = loaded));
  });
}

/** Sets `instamrkt.badSetting` now and after every settings change: the first connection setting that cannot be used, or ''. */
export function followSettingProblems(config: Config): vscode.Disposable {
  let shown: string | undefined;
  const update = () => {
    const setting = config.problems()[0]?.setting ?? '';
    if (setting !== shown) setContext(ContextKeys.badSetting, (shown = setting));
  };
  update();
  return vscode.workspace.onDidChangeConfiguration((e) => {
    if (e.affectsConfiguration(Settings.section)) update();
  });
}
