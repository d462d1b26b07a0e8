// This window's use of the bundled local emulator: start it and point the
// session at it, signed in as its demo developer; or stop it and go back to
// the configured server. Stop always wins over a start still in flight, and
// ending the process depends on nothing else: not on any setting, not on the
// session's move back (whose failure is reported on its own).
import vscode = require('vscode');
import type { Config } from '../host/config';
import { LocalEmulatorStoppedError, type LocalEmulator } from '../host/localEmulator';
import type { Logger } from '../host/log';
import type { Notifier } from '../host/notifier';
import { ContextKeys } from '../host/ids';
import { errorMessage } from '../protocol';
import type { AccountStore, Session } from '../sources/session';
import { emulatorExitedNotice } from './notices';

export interface EmulatorModeDeps {
  emulator: LocalEmulator;
  session: Session;
  /** Where the demo account's secrets are dropped once its emulator run is over. */
  credentials: Pick<AccountStore, 'delete'>;
  /** Where its cached source list is dropped then. */
  cache: { clearServer(serverUrl: string): Promise<void> };
  config: Config;
  log: Logger;
  notifier: Notifier;
  /** Told when the session could not move back to the configured server (a bad setting, typically). */
  onMoveBackFailed(error: unknown): void;
}

export class EmulatorMode implements vscode.Disposable {
  /** Bumped by every use() and leave(): an await that resumes under an older one stops there. */
  #generation = 0;
  readonly #deps: EmulatorModeDeps;
  readonly #exitSubscription: { dispose(): void };

  constructor(deps: EmulatorModeDeps) {
    this.#deps = deps;
    this.#exitSubscription = deps.emulator.onDidExit(({ code, signal, expected }) => {
      void vscode.commands.executeCommand('setContext', ContextKeys.emulatorRunning, false);
      if (!expected) {
        deps.log.error(`The local emulator stopped unexpectedly (code ${code ?? 'none'}${signal ? `, signal ${signal}` : ''}).`);
        // Nothing will listen on its port again: stop retrying it, and say so once, with Start Local Emulator.
        void vscode.commands.executeCommand('setContext', ContextKeys.emulatorStopped, true);
        if (deps.session.snapshot.usingEmulator) deps.session.disconnect(vscode.l10n.t('The local emulator stopped unexpectedly.'));
        deps.notifier.show(emulatorExitedNotice());
      }
    });
  }

  /** Starts the emulator (or reuses it), points this window at it and signs in as its demo developer. */
  async use(): Promise<void> {
    const generation = ++this.#generation;
    const { emulator, session, config, log } = this.#deps;
    const current = () => generation === this.#generation;
    try {
      const running = await emulator.start();
      if (!current()) return;
      log.info(`Local emulator running at ${running.httpUrl} (pid ${running.pid ?? '?'})`);
      await vscode.commands.executeCommand('setContext', ContextKeys.emulatorRunning, true);
      await vscode.commands.executeCommand('setContext', ContextKeys.emulatorStopped, false);
      if (!current()) return;
      // One switch, sign-in included: the status goes starting → connecting → connected, never "signed out" between.
      await session.useEndpoints({ ...config.endpoints, serverUrl: running.wsUrl, restUrl: running.httpUrl }, false, { username: 'demo', password: 'demo' });
    } catch (err) {
      // Stopped meanwhile: what failed is what the user asked to end.
      if (!current() || err instanceof LocalEmulatorStoppedError) return;
      throw err;
    }
  }

  /**
   * Stops the emulator, or its start in flight, and points the session back
   * at the configured server. Resolves once no emulator process of ours is
   * left and the move back has settled; a failed move back is reported
   * through onMoveBackFailed, never as a failure to stop.
   */
  async leave(): Promise<void> {
    this.#generation++;
    void vscode.commands.executeCommand('setContext', ContextKeys.emulatorStopped, false);
    const { emulator, session, config, credentials, cache, log } = this.#deps;
    const snapshot = session.snapshot;
    const emulatorServer = snapshot.usingEmulator ? snapshot.serverUrl : undefined;
    // Let go of the emulator's connection before it goes away, so its end is not shown as a lost
    // connection; the async wrapper turns even a synchronous throw into a rejection, so the stop below always runs.
    const movedBack = emulatorServer ? (async () => session.useEndpoints(undefined, config.autoConnect))() : Promise.resolve();
    const stopped = emulator.stop();
    const [move, stop] = await Promise.allSettled([movedBack, stopped]);
    if (emulatorServer) {
      // The demo account's secrets and cached list belong to this emulator run's port, never used again: drop them.
      await Promise.all([credentials.delete(emulatorServer), cache.clearServer(emulatorServer)]).catch((err: unknown) =>
        log.warn(`Could not forget the local emulator's demo sign-in and list: ${errorMessage(err)}`),
      );
    }
    if (move.status === 'rejected') this.#deps.onMoveBackFailed(move.reason);
    if (stop.status === 'rejected') throw stop.reason;
  }

  dispose(): void {
    this.#exitSubscription.dispose();
  }
}
