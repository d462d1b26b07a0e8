// What Test Connection's steps take and give (diagnose.ts runs them,
// diagnoseSteps.ts checks, diagnoseAdvice.ts advises, diagnoseReport.ts
// formats): plain data, in its own file so that none of them imports another
// only for its types.
import type { NetworkOptions } from './network';

export type StepId = 'host' | 'settings' | 'proxy' | 'dns' | 'tcp' | 'tls' | 'rest' | 'upgrade' | 'logon' | 'ping';

/** passed: checked and fine; warning: works, with a caveat; failed: stops the test; info: a fact, nothing to check; skipped: not run. */
export type StepStatus = 'passed' | 'warning' | 'failed' | 'info' | 'skipped';

/** What a failing step's next step runs, for the adapter to offer as a button. */
export type NextAction = { kind: 'settings'; setting: string } | { kind: 'signIn' } | { kind: 'startEmulator' } | { kind: 'showLog' };

export interface StepResult {
  readonly id: StepId;
  readonly title: string;
  readonly status: StepStatus;
  /** What was found (or why the step did not run). */
  readonly detail: string;
  /** How long the step took, in ms; absent for a skipped step. */
  readonly ms?: number;
  /** What to do next (a failed or warning step). */
  readonly next?: string;
  readonly action?: NextAction;
}

export interface DiagnoseInput {
  readonly serverUrl: string;
  readonly restUrl: string;
  /** Per step that waits on the network. */
  readonly timeoutMs: number;
  readonly network: NetworkOptions;
  /** The stored sign-in for serverUrl, read and never written; absent when signed out. */
  readonly account?: { readonly userId: string; readonly sessionKey: string };
  /** Signed in, but the stored sign-in could not be read (why): the logon cannot be tested. */
  readonly accountUnreadable?: string;
  /** Where the extension runs (whereItRuns()). */
  readonly host: { readonly summary: string; readonly consequence: string; readonly remote: boolean };
  /** The bundled local emulator is the server in use: a refused connection then means it stopped. */
  readonly usingEmulator?: boolean;
  /** A trusted certificate that ends within this many days is a warning (default 14). */
  readonly expiryWarningDays?: number;
  /** Name lookups (default: the system resolver). */
  readonly lookup?: (host: string) => Promise<readonly string[]>;
}
