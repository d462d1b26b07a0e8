// What the user is told when something fails, each message with its next
// step: Open Settings for a bad setting (VS Code's proxy settings for a proxy
// problem, the server URLs for a certificate for another host), Start Local
// Emulator when the emulator stopped, Sign In when a sign-in was refused,
// Connect when not connected, Test Connection when the server could not be
// reached or the connection failed, and Show Log always. A local failure (the cache) is told apart from the
// operation's outcome.
import vscode = require('vscode');
import type { Config, SettingProblem } from '../host/config';
import { LocalEmulatorError } from '../host/localEmulator';
import type { NextStep, Notice, Notifier } from '../host/notifier';
import { Commands } from '../host/ids';
import { AuthenticationError, CertificateError, ConnectionFailedError, ConnectionLostError, InstamrktError, NotConnectedError, ProxyError, RequestTimeoutError, errorMessage } from '../protocol';
import { SupersededError } from '../sources/session';
import type { SourceService } from '../sources/sourceService';

const step = (label: string, command: string, ...args: unknown[]): NextStep => ({ label, command, args });

export const NextSteps = {
  openSettings: (setting: string) => step(vscode.l10n.t('Open Settings'), 'workbench.action.openSettings', setting),
  startEmulator: () => step(vscode.l10n.t('Start Local Emulator'), Commands.startEmulator),
  signIn: () => step(vscode.l10n.t('Sign In'), Commands.signIn),
  connect: () => step(vscode.l10n.t('Connect'), Commands.connect),
  testConnection: () => step(vscode.l10n.t('Test Connection'), Commands.testConnection),
  showLog: () => step(vscode.l10n.t('Show Log'), Commands.showLog),
};

export function settingNotice(problem: SettingProblem, emulatorInUse: boolean): Notice {
  const message = vscode.l10n.t('The setting {0} cannot be used: {1}', problem.setting, problem.reason);
  const note = emulatorInUse ? ` ${vscode.l10n.t('The local emulator is in use now; the setting applies when it stops.')}` : '';
  return { severity: 'error', message: message + note, steps: [NextSteps.openSettings(problem.setting)] };
}

/** The setting to open for a network error, if a setting can fix it. */
function networkSetting(err: unknown): string | undefined {
  if (err instanceof CertificateError) {
    if (err.atProxy) return 'http.proxyStrictSSL';
    // For another host: the server URLs (instamrkt.*); not trusted: whether VS Code uses the system's certificates.
    return err.problem === 'wrong-host' ? 'instamrkt' : err.problem === 'self-signed' || err.problem === 'untrusted' ? 'http.systemCertificates' : undefined;
  }
  if (err instanceof ProxyError) return err.source.startsWith('http.') ? err.source : undefined;
  // http.proxy and http.proxyAuthorization both match this search.
  return err instanceof InstamrktError && err.code === 'proxy-authentication' ? 'http.proxy' : undefined;
}

/** A failure to reach the server, or of the connection itself: Test Connection tells which step fails. */
function reachability(err: unknown): boolean {
  return err instanceof ConnectionFailedError || err instanceof ConnectionLostError || err instanceof RequestTimeoutError || err instanceof CertificateError || err instanceof ProxyError;
}

export function errorNotice(err: unknown): Notice {
  const setting = networkSetting(err);
  const steps =
    err instanceof AuthenticationError
      ? [NextSteps.signIn(), NextSteps.showLog()]
      : err instanceof LocalEmulatorError
        ? [NextSteps.startEmulator(), NextSteps.showLog()]
        : setting
          ? [NextSteps.openSettings(setting), NextSteps.showLog()]
          : err instanceof NotConnectedError
            ? [NextSteps.connect(), NextSteps.showLog()]
            : reachability(err)
              ? [NextSteps.testConnection(), NextSteps.showLog()]
              : [NextSteps.showLog()];
  return { severity: 'error', message: errorMessage(err), steps };
}

export function emulatorExitedNotice(): Notice {
  return {
    severity: 'error',
    message: vscode.l10n.t('The local Instamrkt emulator stopped unexpectedly.'),
    steps: [NextSteps.startEmulator(), NextSteps.showLog()],
  };
}

/** Reports failures, telling a refused connection setting (Open Settings) from everything else. */
export class FailureReporter {
  readonly #notifier: Notifier;
  readonly #config: Config;
  readonly #emulatorInUse: () => boolean;

  constructor(notifier: Notifier, config: Config, emulatorInUse: () => boolean) {
    this.#notifier = notifier;
    this.#config = config;
    this.#emulatorInUse = emulatorInUse;
  }

  /** Shows every bad connection setting (or only those the change touched); returns them. */
  settings(change?: vscode.ConfigurationChangeEvent): readonly SettingProblem[] {
    const problems = this.#config.problems(change);
    for (const p of problems) this.#notifier.show(settingNotice(p, this.#emulatorInUse()));
    return problems;
  }

  /**
   * Shows a failure with its next step. A connection refused because of a bad
   * setting is shown as that setting's problem, unless it was just reported.
   */
  failure(err: unknown, options: { settingsReported?: boolean } = {}): void {
    // A later intent (sign-out, another sign-in, a settings change) took over: nothing failed, and the later one reports itself.
    if (err instanceof SupersededError) return;
    const refusedUrl = err instanceof InstamrktError && (err.code === 'insecure-url' || err.code === 'invalid-argument');
    if (refusedUrl && this.#config.problems().length > 0) {
      if (!options.settingsReported) this.settings();
      return;
    }
    this.#notifier.show(errorNotice(err));
  }
}

/**
 * Warns once per run of failures that the list could not be saved for offline
 * use. What the server did stands: this is never an operation's failure.
 */
export function warnWhenCacheFails(service: SourceService, notifier: Notifier): { dispose(): void } {
  return service.onDidFailToSave((err) =>
    notifier.show({
      severity: 'warning',
      message: vscode.l10n.t('The list of game sources could not be saved for offline use ({0}). What the server did is not affected.', errorMessage(err)),
      steps: [NextSteps.showLog()],
    }),
  );
}
