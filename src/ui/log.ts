// Named loggers over the one "Instamrkt" LogOutputChannel. Every line, at every
// level, goes through the shared Redactor first.
import vscode = require('vscode');
import { Redactor } from '../redact';

export interface Logger {
  trace(message: string): void;
  debug(message: string): void;
  info(message: string): void;
  warn(message: string): void;
  error(message: string | Error): void;
}

export class Log implements vscode.Disposable {
  readonly channel: vscode.LogOutputChannel;

  constructor(readonly redactor: Redactor) {
    this.channel = vscode.window.createOutputChannel('Instamrkt', { log: true });
  }

  /** A logger whose lines are tagged with `[name]`. */
  named(name: string): Logger {
    const r = this.redactor;
    const c = this.channel;
    const line = (m: string) => r.redact(`[${name}] ${m}`);
    return {
      trace: (m) => c.trace(line(m)),
      debug: (m) => c.debug(line(m)),
      info: (m) => c.info(line(m)),
      warn: (m) => c.warn(line(m)),
      error: (m) => c.error(line(m instanceof Error ? `${m.name}: ${m.message}` : m)),
    };
  }

  show(): void {
    this.channel.show(true);
  }

  dispose(): void {
    this.channel.dispose();
  }
}
