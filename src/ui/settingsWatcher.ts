// What a change to an `instamrkt.*` setting does: it is logged; a bad
// connection setting is reported at once, whether or not the local emulator
// is in use; the local emulator is started or stopped; the connection to the
// configured server is made again.
import vscode = require('vscode');
import { Config } from '../host/config';
import type { Logger } from '../host/log';
import { Settings } from '../host/ids';
import type { Session } from '../sources/session';
import type { EmulatorMode } from './emulatorMode';
import type { FailureReporter } from './notices';

export interface SettingsWatcherDeps {
  config: Config;
  session: Session;
  emulatorMode: EmulatorMode;
  reporter: FailureReporter;
  log: Logger;
}

export function watchSettings({ config, session, emulatorMode, reporter, log }: SettingsWatcherDeps): vscode.Disposable {
  return vscode.workspace.onDidChangeConfiguration((e) => {
    // None of the settings is secret; logging them helps whoever reads the log later.
    for (const key of Object.values(Settings)) {
      if (key !== Settings.section && e.affectsConfiguration(`${Settings.section}.${key}`)) {
        log.info(`${Settings.section}.${key} is now ${JSON.stringify(vscode.workspace.getConfiguration(Settings.section).get(key))}`);
      }
    }
    const reported = reporter.settings(e).length > 0;
    if (e.affectsConfiguration(`${Settings.section}.${Settings.startLocalEmulator}`)) {
      (config.startLocalEmulator ? emulatorMode.use() : emulatorMode.leave()).catch((err: unknown) => reporter.failure(err));
    } else if (Config.affectsConnection(e) && !session.snapshot.usingEmulator) {
      session.reconfigure(config.autoConnect).catch((err: unknown) => reporter.failure(err, { settingsReported: reported }));
    }
  });
}
