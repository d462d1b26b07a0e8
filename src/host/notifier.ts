// The one way the extension tells the user something went wrong: the message
// is redacted as a log line is (a server's reason may quote what it was sent),
// logged, shown with its next step as a button (Open Settings, Start Local
// Emulator, Show Log, ...), and the step the user picks is run. The last few
// are kept so the in-host tests can read what was shown. Never throws: it is
// called on paths whose outcome is already decided.
import vscode = require('vscode');
import type { Logger } from './log';

/** A button on a message: the command it runs, with its arguments. */
export interface NextStep {
  readonly label: string;
  readonly command: string;
  readonly args: readonly unknown[];
}

export interface Notice {
  readonly severity: 'error' | 'warning';
  readonly message: string;
  readonly steps: readonly NextStep[];
}

/** Enough for a test to find its notice, small enough to never matter. */
const KEPT = 50;

export class Notifier {
  readonly #shown: Notice[] = [];
  readonly #log: Logger;
  readonly #redact: (text: string) => string;

  /** `redact` blanks secrets in a message before it is kept, logged or shown (the log's Redactor.blankSecrets). */
  constructor(log: Logger, redact: (text: string) => string) {
    this.#log = log;
    this.#redact = redact;
  }

  /** What was shown, oldest first (at most the last 50). */
  get shown(): readonly Notice[] {
    return this.#shown;
  }

  show(unredacted: Notice): void {
    try {
      const notice = { ...unredacted, message: this.#redact(unredacted.message) };
      this.#shown.push(notice);
      if (this.#shown.length > KEPT) this.#shown.splice(0, this.#shown.length - KEPT);
      const steps = notice.steps.map((s) => s.label).join(', ');
      const line = `${notice.message}${steps ? ` [next: ${steps}]` : ''}`;
      if (notice.severity === 'error') this.#log.error(line);
      else this.#log.warn(line);
      const show = notice.severity === 'error' ? vscode.window.showErrorMessage : vscode.window.showWarningMessage;
      Promise.resolve(show(notice.message, ...notice.steps.map((s) => s.label)))
        .then(async (picked) => {
          const step = notice.steps.find((s) => s.label === picked);
          if (step) await vscode.commands.executeCommand(step.command, ...step.args);
        })
        .catch((err: unknown) => this.#log.warn(`Could not show or act on a message: ${err instanceof Error ? err.message : String(err)}`));
    } catch {
      // Nothing sensible is left to do; the caller's outcome stands.
    }
  }
}
