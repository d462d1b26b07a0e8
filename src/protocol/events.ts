// A tiny typed event emitter shaped like vscode.EventEmitter, so protocol/
// can publish events without importing `vscode`.

export interface Disposable {
  dispose(): void;
}

/** Subscribes a listener; the returned Disposable unsubscribes it. */
export type Event<T> = (listener: (e: T) => void) => Disposable;

export class Emitter<T> {
  #listeners: ((e: T) => void)[] = [];
  #disposed = false;

  /**
   * @param onListenerError told about a listener that threw. A listener's
   * failure is its own: it must never stop the other listeners or the code
   * that fired the event (a socket handler, typically).
   */
  readonly #onListenerError: ((error: unknown) => void) | undefined;

  constructor(onListenerError?: (error: unknown) => void) {
    this.#onListenerError = onListenerError;
  }

  readonly event: Event<T> = (listener) => {
    if (this.#disposed) return { dispose: () => undefined };
    this.#listeners.push(listener);
    return {
      dispose: () => {
        this.#listeners = this.#listeners.filter((l) => l !== listener);
      },
    };
  };

  fire(e: T): void {
    if (this.#disposed) return;
    // A snapshot, so a listener that (un)subscribes during delivery does not skip or repeat anyone.
    for (const listener of [...this.#listeners]) {
      try {
        listener(e);
      } catch (error) {
        try {
          this.#onListenerError?.(error);
        } catch {
          // The error reporter itself failed; there is nobody left to tell.
        }
      }
    }
  }

  get listenerCount(): number {
    return this.#listeners.length;
  }

  dispose(): void {
    this.#disposed = true;
    this.#listeners = [];
  }
}
