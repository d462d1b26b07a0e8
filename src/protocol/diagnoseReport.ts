// Test Connection's results as a report a person reads and can paste into a
// support request: Markdown, one numbered line per step with its verdict and
// time, what was found, and what to do next. Pure: results in, text out (the
// caller passes the text through the log's redactor before showing it).
import type { StepResult, StepStatus } from './diagnoseTypes';

const LABEL: Readonly<Record<StepStatus, string>> = { passed: 'PASS', warning: 'WARN', failed: 'FAIL', info: 'INFO', skipped: 'SKIP' };

export interface Summary {
  /** No step failed. */
  readonly ok: boolean;
  readonly failed: StepResult | undefined;
  readonly warnings: readonly StepResult[];
  /** One sentence for a notification. */
  readonly line: string;
}

export function summarize(results: readonly StepResult[]): Summary {
  const failed = results.find((r) => r.status === 'failed');
  const warnings = results.filter((r) => r.status === 'warning');
  const checked = results.filter((r) => r.status === 'passed' || r.status === 'warning').length;
  const line = failed
    ? `Test Connection: "${failed.title}" failed. ${failed.detail}`
    : `Test Connection: ${checked} ${checked === 1 ? 'check' : 'checks'} passed${warnings.length ? `, ${warnings.length} with a warning` : ''}${results.some((r) => r.status === 'skipped') ? '; some steps need a sign-in' : ''}.`;
  return { ok: !failed, failed, warnings, line };
}

function duration(ms: number | undefined): string {
  if (ms === undefined) return '';
  return ms < 1 ? ' (<1 ms)' : ` (${Math.round(ms)} ms)`;
}

/** One line of text: no line breaks that would break the list. */
const oneLine = (text: string): string => text.replace(/\s*\n\s*/g, ' ').trim();

export interface ReportContext {
  readonly serverUrl: string;
  readonly restUrl: string;
  readonly at: Date;
  /** The extension's version, when known. */
  readonly version?: string;
}

export function formatReport(results: readonly StepResult[], context: ReportContext): string {
  const summary = summarize(results);
  const lines = [
    '# Instamrkt: Test Connection',
    '',
    `Server \`${context.serverUrl}\` · sign-in \`${context.restUrl}\` · ${context.at.toISOString()}${context.version ? ` · extension ${context.version}` : ''}`,
    '',
    `**${summary.failed ? `Result: "${summary.failed.title}" failed.` : 'Result: no step failed.'}**`,
    '',
  ];
  results.forEach((r, i) => {
    lines.push(`${i + 1}. **${LABEL[r.status]}** ${r.title}${duration(r.ms)}`);
    lines.push(`   ${oneLine(r.detail)}`);
    if (r.next && r.status !== 'passed') lines.push(`   What to do: ${oneLine(r.next)}`);
  });
  lines.push('');
  return lines.join('\n');
}
