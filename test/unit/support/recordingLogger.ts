// A logger that keeps every line with its level, for tests that check what is logged.
export class RecordingLogger {
  readonly lines: { level: string; message: string }[] = [];
  readonly info = (message: string): void => void this.lines.push({ level: 'info', message });
  readonly warn = (message: string): void => void this.lines.push({ level: 'warn', message });
  readonly error = (message: string): void => void this.lines.push({ level: 'error', message });
  readonly debug = (message: string): void => void this.lines.push({ level: 'debug', message });
  readonly trace = (message: string): void => void this.lines.push({ level: 'trace', message });

  /** The messages logged at `level`, in order. */
  at(level: string): string[] {
    return this.lines.filter((l) => l.level === level).map((l) => l.message);
  }
}
