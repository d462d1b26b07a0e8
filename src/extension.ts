// Entry point: builds the extension's parts and registers every disposable.
// Wiring only; the logic lives in ui/, sources/ and protocol/. Nothing here
// waits on the network, so activation stays fast.
import * as path from 'node:path';
import vscode = require('vscode');
import { Config } from './config';
import { CredentialStore } from './credentials';
import { ContextKeys, Settings } from './ids';
import { LocalEmulator } from './localEmulator';
import { Redactor } from './redact';
import { Session } from './sources/session';
import { SourceService } from './sources/sourceService';
import { GlobalStateSourcesCache, cacheKey } from './sourcesCache';
import { registerCommands } from './ui/commands';
import { Log } from './ui/log';
import { SourcesView } from './ui/sourcesView';
import type { SourcesTreeProvider } from './ui/sourcesTree';
import { StatusBar } from './ui/statusBar';
import { errorMessage } from './protocol/errors';

/** What activate() returns: the integration tests read the model, the tree and the stored state through it. */
export interface InstamrktApi {
  session: Session;
  service: SourceService;
  tree: SourcesTreeProvider;
  /** Read-only view of what the extension keeps in globalState (tests check nothing secret is there). */
  globalState(): Record<string, unknown>;
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
    logger: log.named('connection'),
    onSecret: (v) => redactor.addSecret(v),
  });
  const cache = new GlobalStateSourcesCache(context.globalState, () => cacheKey(session.snapshot.serverUrl, session.snapshot.userId));
  const service = new SourceService(cache, (what, err) => log.named('sources').warn(`${what}: ${errorMessage(err)}`));
  const view = new SourcesView(service);
  const statusBar = new StatusBar();
  const emulator = new LocalEmulator(path.join(context.extensionPath, 'dist', 'emulator.js'), path.join(context.globalStorageUri.fsPath, 'emulator-state.json'));
  const emulatorLog = log.named('emulator');

  /** Starts the bundled emulator (or reuses it), points this window at it and signs in as its demo developer. */
  const useEmulator = async (): Promise<void> => {
    const running = await emulator.start();
    emulatorLog.info(`Local emulator running at ${running.httpUrl} (pid ${running.pid ?? '?'})`);
    await vscode.commands.executeCommand('setContext', ContextKeys.emulatorRunning, true);
    await session.useEndpoints({ ...config.endpoints, serverUrl: running.wsUrl, restUrl: running.httpUrl }, false);
    await session.signIn('demo', 'demo');
  };
  /** Goes back to the configured server and stops the emulator. */
  const leaveEmulator = async (): Promise<void> => {
    // The demo account's secrets belong to this emulator run's port: drop them.
    const emulatorServer = session.snapshot.usingEmulator ? session.snapshot.serverUrl : undefined;
    await session.useEndpoints(undefined, config.autoConnect);
    if (emulatorServer) await credentials.delete(emulatorServer);
    await emulator.stop();
  };
  const showError = (err: unknown): void => {
    log.named('connection').error(err instanceof Error ? err : String(err));
    void vscode.window.showErrorMessage(errorMessage(err));
  };

  let listLoaded = false;
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
    { dispose: () => session.dispose() },
    { dispose: () => service.dispose() },
    { dispose: () => emulator.dispose() },
    session.onDidChange(onStatus),
    service.onDidChange(() => {
      const loaded = service.state.kind === 'live';
      if (loaded !== listLoaded) {
        listLoaded = loaded;
        void vscode.commands.executeCommand('setContext', ContextKeys.listLoaded, loaded);
      }
    }),
    session.onDidConnect((client) => {
      service.attach(client).catch((err) => log.named('sources').error(`Could not read the source list: ${errorMessage(err)}`));
    }),
    session.onDidLoseConnection(() => service.detach()),
    session.onDidSignOut(() => {
      void service.clear();
      void cache.clearAll();
    }),
    session.onDidResetAccount(() => void service.clear()),
    session.onEvent((msg) => service.handleEvent(msg)),
    credentials.onDidChange((serverUrl) => void session.accountChangedElsewhere(serverUrl)),
    vscode.workspace.onDidChangeConfiguration((e) => {
      // None of the settings is secret; logging them helps whoever reads the log later.
      for (const key of Object.values(Settings)) {
        if (key !== Settings.section && e.affectsConfiguration(`${Settings.section}.${key}`)) {
          log.named('settings').info(`${Settings.section}.${key} is now ${JSON.stringify(vscode.workspace.getConfiguration(Settings.section).get(key))}`);
        }
      }
      if (e.affectsConfiguration(`${Settings.section}.${Settings.startLocalEmulator}`)) {
        (config.startLocalEmulator ? useEmulator() : session.snapshot.usingEmulator ? leaveEmulator() : Promise.resolve()).catch(showError);
      } else if (Config.affectsConnection(e) && !session.snapshot.usingEmulator) {
        session.reconfigure(config.autoConnect).catch(showError);
      }
    }),
    emulator.onDidExit(({ code, signal, expected }) => {
      void vscode.commands.executeCommand('setContext', ContextKeys.emulatorRunning, false);
      if (!expected) {
        emulatorLog.error(`The local emulator stopped unexpectedly (code ${code ?? 'none'}${signal ? `, signal ${signal}` : ''}).`);
        void vscode.window.showErrorMessage(vscode.l10n.t('The local Instamrkt emulator stopped unexpectedly. Start it again from the status bar.'));
      }
    }),
    ...registerCommands({
      config,
      session,
      service,
      view,
      log,
      emulator,
      useEmulator,
      leaveEmulator,
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
  if (config.startLocalEmulator) {
    // An emulator that fails to start publishes no status: render the current one.
    useEmulator().catch((err: unknown) => {
      onStatus();
      showError(err);
    });
  } else {
    // start() publishes a status even when it fails.
    session.start(config.autoConnect).catch(showError);
  }
  return {
    session,
    service,
    tree: view.provider,
    globalState: () => Object.fromEntries(context.globalState.keys().map((k) => [k, context.globalState.get(k)])),
  };
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
