// What happens once everything is built: the activation time goes to the log,
// and the session starts, with the local emulator when the setting asks for it.
// The first render waits for this (session.start() reads the stored sign-in):
// rendering "signed out" before would flash the sign-in welcome at a user who
// is signed in. Until then the view is empty and the status item neutral.
import type { Config } from '../host/config';
import type { Logger } from '../host/log';
import type { Session } from '../sources/session';
import type { EmulatorMode } from './emulatorMode';
import type { FailureReporter } from './notices';

export function logActivation(log: Logger, activateStart: number): void {
  const marks = globalThis as { __instamrktLoadStart?: number; __instamrktLoadEnd?: number };
  const done = performance.now();
  const ms = (from: number | undefined, to: number | undefined) => (from === undefined || to === undefined ? '?' : (to - from).toFixed(1));
  // Module evaluation + activate() is this extension's own cost; the gap between them is VS Code preparing the context.
  log.info(
    `Activated: module evaluation ${ms(marks.__instamrktLoadStart, marks.__instamrktLoadEnd)} ms, activate() ${ms(activateStart, done)} ms; VS Code between them ${ms(marks.__instamrktLoadEnd, activateStart)} ms`,
  );
}

export function startSession(config: Config, session: Session, emulatorMode: EmulatorMode, reporter: FailureReporter): void {
  // A bad connection setting is reported at start, whether or not the emulator is about to be used.
  const settingsReported = reporter.settings().length > 0;
  const start = () => session.start(config.autoConnect).catch((err: unknown) => reporter.failure(err, { settingsReported }));
  if (config.startLocalEmulator) {
    // An emulator that failed to start leaves the session "starting": go on with the configured
    // server, so what is shown is known to be true, and report the failure (with Start Local Emulator).
    emulatorMode.use().catch((err: unknown) => {
      reporter.failure(err);
      void start();
    });
  } else {
    // start() publishes a status even when it fails.
    void start();
  }
}
