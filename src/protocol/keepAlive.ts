// The keep-alive loop: a ping every interval while connected, the round trip
// reported. It never judges the answer: a ping that times out ends the
// connection through the ordinary request timeout, and any answer, even a
// 666, shows the server is alive.
export class KeepAlive {
  readonly #intervalMs: number;
  readonly #ping: () => Promise<unknown>;
  readonly #onRoundTrip: (ms: number) => void;
  #timer: NodeJS.Timeout | undefined;
  /** Bumped by start() and stop(), so an answer to an older run schedules nothing. */
  #run = 0;
  #awaiting = false;

  /** `intervalMs` 0 turns the loop off. */
  constructor(intervalMs: number, ping: () => Promise<unknown>, onRoundTrip: (ms: number) => void) {
    this.#intervalMs = intervalMs;
    this.#ping = ping;
    this.#onRoundTrip = onRoundTrip;
  }

  /** True while a keep-alive ping waits for its answer. */
  get awaitingAnswer(): boolean {
    return this.#awaiting;
  }

  start(): void {
    this.stop();
    if (this.#intervalMs > 0) this.#schedule(this.#run);
  }

  stop(): void {
    // Stryker disable next-line UpdateOperator: counting down changes the run just as well; runs never repeat either way.
    this.#run++;
    this.#awaiting = false;
    // Stryker disable next-line ConditionalExpression: clearTimeout(undefined) does nothing, so the test only saves a call.
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = undefined;
  }

  #schedule(run: number): void {
    this.#timer = setTimeout(() => {
      this.#timer = undefined;
      const started = performance.now();
      this.#awaiting = true;
      const settled = (answered: boolean): void => {
        if (run !== this.#run) return;
        this.#awaiting = false;
        if (answered) this.#onRoundTrip(performance.now() - started);
        if (run === this.#run) this.#schedule(run);
      };
      this.#ping().then(
        () => settled(true),
        () => settled(false),
      );
    }, this.#intervalMs);
  }
}
