// Entry point: builds the extension's parts and registers every disposable.
// Wiring only; the logic lives in ui/, host/, sources/ and protocol/. Nothing here
// waits on the network, so activation stays fast.
import * as path from 'node:path';
import vscode = require('vscode');
import { CredentialStore } from './host/credentials';
import { Config } from './host/config';
import { LocalEmulator } from './host/localEmulator';
import { Log } from './host/log';
import { Notifier, type Notice } from './host/notifier';
import { Redactor } from './host/redact';
import { Session } from './sources/session';
import { SourceService } from './sources/sourceService';
import { GlobalStateSourcesCache } from './host/sourcesCache';
import { InstamrktAuthProvider } from './ui/authProvider';
import { registerCommands } from './ui/commands';
import { EmulatorMode } from './ui/emulatorMode';
import { FailureReporter, warnWhenCacheFails } from './ui/notices';
import { watchSettings } from './ui/settingsWatcher';
import { SourcesView } from './ui/sourcesView';
import type { SourcesTreeProvider } from './ui/sourcesTree';
import { StatusBar } from './ui/statusBar';
import { followList, followSettingProblems, followStatus } from './ui/contextKeys';
import { logActivation, startSession } from './ui/startUp';
import { linkServiceToSession } from './sources/serviceLink';
import { testConnectionCleanup } from './ui/testConnectionLoader';
import { errorMessage } from './protocol';

/** What activate() returns: the integration tests read the model, the tree and the stored state through it. */
export interface InstamrktApi {
  session: Session;
  service: SourceService;
  tree: SourcesTreeProvider;
  /** The provider VS Code's Accounts menu calls (getSessions, createSession, removeSession). */
  auth: InstamrktAuthProvider;
  /** The saved source lists, in globalState (tests write through it as the service does). */
  sourcesCache: GlobalStateSourcesCache;
  /** Read-only view of what the extension keeps in globalState (tests check nothing secret is there). */
  globalState(): Record<string, unknown>;
  /** The names of the keys this extension holds in SecretStorage, never their values (tests read back what sign-in stored and sign-out deleted). */
  secretKeys(): Thenable<string[]>;
  /** The errors and warnings shown to the user, oldest first, each with its next steps (the last 50). */
  notices(): readonly Notice[];
}

export function activate(context: vscode.ExtensionContext): InstamrktApi {
  const activateStart = performance.now();
  const redactor = new Redactor();
  const log = new Log(redactor);
  const config = new Config();
  const credentials = new CredentialStore(context.secrets);
  const session = new Session({
    store: credentials,
    endpoints: () => config.endpoints,
    network: () => config.network,
    logger: log.named('connection'),
    onSecret: (v) => redactor.addSecret(v),
  });
  const cache = new GlobalStateSourcesCache(context.globalState);
  const sourcesLog = log.named('sources');
  const service = new SourceService(cache, (what, err) => sourcesLog.warn(`${what}: ${errorMessage(err)}`), Date.now, sourcesLog);
  const view = new SourcesView(service, () => session.snapshot, (listener) => session.onDidChange(listener));
  const statusBar = new StatusBar();
  const emulator = new LocalEmulator(path.join(context.extensionPath, 'dist', 'emulator.js'), path.join(context.globalStorageUri.fsPath, 'emulator-state.json'));
  const notifier = new Notifier(log.named('notice'), (text) => redactor.blankSecrets(text));
  const reporter = new FailureReporter(notifier, config, () => session.snapshot.usingEmulator);
  const emulatorMode = new EmulatorMode({ emulator, session, credentials, cache, config, log: log.named('emulator'), notifier, onMoveBackFailed: (err) => reporter.failure(err) });

  const auth = new InstamrktAuthProvider(session);

  const version = (context.extension.packageJSON as { version?: string }).version;

  context.subscriptions.push(
    ...[log, credentials, view, statusBar, testConnectionCleanup, session, service, emulator, emulatorMode, auth],
    warnWhenCacheFails(service, notifier),
    followStatus(session, service, statusBar),
    followList(service),
    followSettingProblems(config),
    ...linkServiceToSession(session, service, cache, log.named('sources')),
    credentials.onDidChange((serverUrl) => void session.accountChangedElsewhere(serverUrl)),
    watchSettings({ config, session, emulatorMode, reporter, log: log.named('settings') }),
    ...registerCommands({ config, session, service, view, log, notifier, reporter, emulatorMode, redactor, store: credentials, version }),
  );
  logActivation(log.named('activation'), activateStart);
  startSession(config, session, emulatorMode, reporter);
  return {
    session,
    service,
    tree: view.provider,
    auth,
    sourcesCache: cache,
    globalState: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
    secretKeys: () => context.secrets.keys(),
    notices: () => notifier.shown,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
