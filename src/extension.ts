// Entry point: builds the extension's parts and registers every disposable.
// Wiring only; the logic lives in ui/, host/, sources/ and protocol/. Nothing here
// waits on the network, so activation stays fast.
import * as path from 'node:path';
import vscode = require('vscode');
import { CredentialStore } from './credentials';
import { Config } from './host/config';
import { LocalEmulator } from './host/localEmulator';
import { Log } from './host/log';
import { Notifier, type Notice } from './host/notifier';
import { ContextKeys } from './ids';
import { Redactor } from './redact';
import { Session } from './sources/session';
import { SourceService } from './sources/sourceService';
import { GlobalStateSourcesCache, cacheKey } from './sourcesCache';
import { registerCommands } from './ui/commands';
import { EmulatorMode } from './ui/emulatorMode';
import { FailureReporter, warnWhenCacheFails } from './ui/notices';
import { watchSettings } from './ui/settingsWatcher';
import { SourcesView } from './ui/sourcesView';
import type { SourcesTreeProvider } from './ui/sourcesTree';
import { StatusBar } from './ui/statusBar';
import { testConnectionCleanup } from './ui/testConnectionLoader';
import { errorMessage } from './protocol/errors';

/** What activate() returns: the integration tests read the model, the tree and the stored state through it. */
export interface InstamrktApi {
  session: Session;
  service: SourceService;
  tree: SourcesTreeProvider;
  /** Read-only view of what the extension keeps in globalState (tests check nothing secret is there). */
  globalState(): Record<string, unknown>;
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
  const cache = new GlobalStateSourcesCache(context.globalState, () => cacheKey(session.snapshot.serverUrl, session.snapshot.userId));
  const service = new SourceService(cache, (what, err) => log.named('sources').warn(`${what}: ${errorMessage(err)}`));
  const view = new SourcesView(service, () => session.snapshot.status.kind, (listener) => session.onDidChange(listener));
  const statusBar = new StatusBar();
  const emulator = new LocalEmulator(path.join(context.extensionPath, 'dist', 'emulator.js'), path.join(context.globalStorageUri.fsPath, 'emulator-state.json'));
  const notifier = new Notifier(log.named('notice'));
  const reporter = new FailureReporter(notifier, config, () => session.snapshot.usingEmulator);
  const emulatorMode = new EmulatorMode({ emulator, session, credentials, cache, config, log: log.named('emulator'), notifier, onMoveBackFailed: (err) => reporter.failure(err) });

  const listKeys = { loaded: false, empty: false };
  const onStatus = () => {
    const snap = session.snapshot;
    statusBar.update(snap);
    void vscode.commands.executeCommand('setContext', ContextKeys.state, snap.status.kind);
    if ((snap.status.kind === 'connecting' || snap.status.kind === 'disconnected') && service.state.kind === 'empty') service.showCached();
  };

  context.subscriptions.push(
    log,
    credentials,
    view,
    statusBar,
    testConnectionCleanup,
    session,
    service,
    emulator,
    emulatorMode,
    warnWhenCacheFails(service, notifier),
    session.onDidChange(onStatus),
    service.onDidChange(() => {
      // "No open game sources" shows only when the server's list is empty: a list that has rows
      // matches no welcome while they reach the tree (the view is blank for that moment, not "no sources").
      const loaded = service.state.kind === 'live';
      const empty = loaded && service.list().length === 0;
      // Empty first: on the way to "read and empty", "Reading…" stays until both keys say so.
      if (empty !== listKeys.empty) {
        listKeys.empty = empty;
        void vscode.commands.executeCommand('setContext', ContextKeys.listEmpty, empty);
      }
      if (loaded !== listKeys.loaded) {
        listKeys.loaded = loaded;
        void vscode.commands.executeCommand('setContext', ContextKeys.listLoaded, loaded);
      }
    }),
    session.onDidConnect((client) => {
      service.attach(client).catch((err) => log.named('sources').error(`Could not read the source list: ${errorMessage(err)}`));
    }),
    session.onDidLoseConnection(() => service.detach()),
    session.onDidSignOut(() => {
      void service.clear();
      cache.clearAll().catch((err: unknown) => log.named('sources').warn(`Could not remove the saved source lists: ${errorMessage(err)}`));
    }),
    session.onDidResetAccount(() => void service.clear()),
    session.onEvent((msg) => service.handleEvent(msg)),
    credentials.onDidChange((serverUrl) => void session.accountChangedElsewhere(serverUrl)),
    watchSettings({ config, session, emulatorMode, reporter, log: log.named('settings') }),
    ...registerCommands({
      config,
      session,
      service,
      view,
      log,
      notifier,
      reporter,
      emulatorMode,
      diagnostics: { store: credentials, redactor, version: (context.extension.packageJSON as { version?: string }).version },
    }),
  );

  // The first render waits for session.start() to read the stored sign-in (or for the
  // local emulator): rendering "signed out" now would flash the sign-in welcome at a
  // user who is signed in. Until then the view is empty and the status item neutral.
  const marks = globalThis as { __instamrktLoadStart?: number; __instamrktLoadEnd?: number };
  const done = performance.now();
  const ms = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? '?' : (to - from).toFixed(1));
  // Module evaluation + activate() is this extension's own cost; the gap between them is VS Code preparing the context.
  log
    .named('activation')
    .info(
      `Activated: module evaluation ${ms(marks.__instamrktLoadStart, marks.__instamrktLoadEnd)} ms, activate() ${ms(activateStart, done)} ms; VS Code between them ${ms(marks.__instamrktLoadEnd, activateStart)} ms`,
    );
  // A bad connection setting is reported at start, whether or not the emulator is about to be used.
  const settingsReported = reporter.settings().length > 0;
  if (config.startLocalEmulator) {
    // An emulator that failed to start leaves the session "starting": go on with the configured
    // server, so what is shown is known to be true, and report the failure (with Start Local Emulator).
    emulatorMode.use().catch((err: unknown) => {
      reporter.failure(err);
      session.start(config.autoConnect).catch((e: unknown) => reporter.failure(e, { settingsReported }));
    });
  } else {
    // start() publishes a status even when it fails.
    session.start(config.autoConnect).catch((err: unknown) => reporter.failure(err, { settingsReported }));
  }
  return {
    session,
    service,
    tree: view.provider,
    globalState: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
    notices: () => notifier.shown,
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
