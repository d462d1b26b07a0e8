// Test Connection: the path to the server checked step by step (where the
// extension runs, settings, proxy, name, TCP, TLS, REST, WebSocket upgrade,
// logon, ping), each step timed, each failure with what to do next, and
// every step after a failure shown as skipped rather than failed. Returns
// plain data; formatting is diagnoseReport.ts's, and the VS Code adapter
// (ui/testConnection.ts) loads this module, bundled apart, on first use.
// Nothing is stored: the stored sign-in, when there is one, is only read.
import { runStep, STEPS, type DiagnoseRun } from './diagnoseSteps';
import type { DiagnoseInput, StepResult } from './diagnoseTypes';

export type { DiagnoseInput, NextAction, StepId, StepResult, StepStatus } from './diagnoseTypes';

/** Runs every step in order; `onStep` hears each result as it comes (for progress). */
export async function diagnose(input: DiagnoseInput, onStep?: (result: StepResult) => void): Promise<StepResult[]> {
  const run: DiagnoseRun = { input };
  const results: StepResult[] = [];
  let failed: StepResult | undefined;
  try {
    for (const step of STEPS) {
      const result: StepResult = failed
        ? { id: step.id, title: step.title, status: 'skipped', detail: `Not run: "${failed.title}" failed.` }
        : await runStep(step, run);
      if (result.status === 'failed') failed = result;
      results.push(result);
      onStep?.(result);
    }
  } finally {
    run.channel?.close(new Error('The connection test is over.'), 'connection test done');
  }
  return results;
}

export { formatReport, summarize } from './diagnoseReport';
