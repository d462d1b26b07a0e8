// The emulator's own record of the requests it received: its log says
// "user <id>: <operation>" for every frame it handles (the operation's name
// only, never its parameters). Tests hand `log` to startEmulator and then ask
// how many requests of an operation the server really got, which proves what
// a client sent (or never sent) without trusting the client's word for it.

const REQUEST_LINE = /^user (\d+): (\S+)$/;

export class RequestLog {
  readonly lines: string[] = [];

  /** Pass as startEmulator's `log`. */
  readonly log = (line: string): void => {
    this.lines.push(line);
  };

  /** The operations received so far, in order, as `{ userId, op }`. */
  requests(): { userId: string; op: string }[] {
    const out: { userId: string; op: string }[] = [];
    for (const line of this.lines) {
      const m = REQUEST_LINE.exec(line);
      if (m) out.push({ userId: m[1], op: m[2] });
    }
    return out;
  }

  /** How many requests of `op` the server received (from `userId`, when given). */
  count(op: string, userId?: string): number {
    return this.requests().filter((r) => r.op === op && (userId === undefined || r.userId === userId)).length;
  }
}
