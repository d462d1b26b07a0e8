// Named loggers over the one "Instamrkt" LogOutputChannel. Every line, at every
// level, goes through the shared Redactor first. Logging never throws: it is
// called on success paths, and a failed log line must not turn a done
// operation into a reported failure.
import vscode = require('vscode');
import type { Logger } from '../protocol';
import { Redactor } from './redact';

export type { Logger } from '../protocol';

type Level = 'trace' | 'debug' | 'info' | 'warn' | 'error';

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(readonly redactor: Redactor) {
    this.channel = vscode.window.createOutputChannel('Instamrkt', { log: true });
  }

  /** A logger whose lines are tagged with `[name]`. */
  named(name: string): Logger {
    const write = (level: Level, message: string | Error): void => {
      try {
        const text = message instanceof Error ? `${message.name}: ${message.message}` : message;
        this.channel[level](this.redactor.redact(`[${name}] ${text}`));
      } catch {
        // A closed channel or a redactor that choked: the line is lost, the caller's outcome is not.
      }
    };
    return {
      trace: (m) => write('trace', m),
      debug: (m) => write('debug', m),
      info: (m) => write('info', m),
      warn: (m) => write('warn', m),
      error: (m) => write('error', m),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
