// The Test Connection report, a pure function of the step results: one
// numbered line per step with its verdict and time, what was found, what to
// do next for a failure or a warning, and a summary that names the failed step.
import * as assert from 'node:assert/strict';
import type { StepResult } from '../../src/protocol/diagnose';
import { formatReport, summarize } from '../../src/protocol/diagnoseReport';

const AT = new Date('2026-12-06T18:00:00.000Z');
const CONTEXT = { serverUrl: 'wss://instamrkt.com:9999', restUrl: 'https://instamrkt.com', at: AT };

const failedRun: StepResult[] = [
  { id: 'host', title: 'Where the extension runs', status: 'info', detail: 'On this computer.', ms: 0.2 },
  { id: 'settings', title: 'Settings valid', status: 'passed', detail: 'Server wss://instamrkt.com:9999.', ms: 1.4 },
  { id: 'tcp', title: 'TCP connect', status: 'failed', detail: 'connect ECONNREFUSED\n127.0.0.1:9', ms: 12.6, next: 'Check the port.', action: { kind: 'settings', setting: 'instamrkt.serverUrl' } },
  { id: 'tls', title: 'TLS', status: 'skipped', detail: 'Not run: "TCP connect" failed.' },
];

describe('the Test Connection report', () => {
  it('numbers the steps with their verdict and rounded time, a failure with what to do, a skipped step without a time', () => {
    assert.equal(
      formatReport(failedRun, CONTEXT),
      [
        '# Instamrkt: Test Connection',
        '',
        'Server `wss://instamrkt.com:9999` · sign-in `https://instamrkt.com` · 2026-12-06T18:00:00.000Z',
        '',
        '**Result: "TCP connect" failed.**',
        '',
        '1. **INFO** Where the extension runs (<1 ms)',
        '   On this computer.',
        '2. **PASS** Settings valid (1 ms)',
        '   Server wss://instamrkt.com:9999.',
        '3. **FAIL** TCP connect (13 ms)',
        '   connect ECONNREFUSED 127.0.0.1:9',
        '   What to do: Check the port.',
        '4. **SKIP** TLS',
        '   Not run: "TCP connect" failed.',
        '',
      ].join('\n'),
    );
  });

  it('says no step failed, gives a warning its next step, and names the extension version when known', () => {
    const run: StepResult[] = [
      { id: 'tls', title: 'TLS', status: 'warning', detail: 'Trusted, but it expires in 3 days.', ms: 5, next: 'Renew it.' },
      { id: 'ping', title: 'Ping', status: 'passed', detail: '  Round trip 4 ms. \n', ms: 1, next: 'never shown for a pass' },
    ];
    const report = formatReport(run, { ...CONTEXT, version: '0.1.0' });
    assert.match(report, /· extension 0\.1\.0\n/);
    assert.match(report, /\*\*Result: no step failed\.\*\*/);
    assert.match(report, /1\. \*\*WARN\*\* TLS \(5 ms\)\n {3}Trusted, but it expires in 3 days\.\n {3}What to do: Renew it\.\n2\. /);
    assert.ok(!report.includes('never shown'));
    // One millisecond is "1 ms", not "<1 ms"; a detail is one trimmed line.
    assert.match(report, /\n2\. \*\*PASS\*\* Ping \(1 ms\)\n {3}Round trip 4 ms\.\n$/);
  });

  it('summarizes: the failed step and its finding, or how many checks passed and whether some need a sign-in', () => {
    const failed = summarize(failedRun);
    assert.equal(failed.ok, false);
    assert.equal(failed.failed?.id, 'tcp');
    assert.equal(failed.line, 'Test Connection: "TCP connect" failed. connect ECONNREFUSED\n127.0.0.1:9');

    const signedOut = summarize([
      { id: 'settings', title: 'Settings valid', status: 'passed', detail: '' },
      { id: 'tls', title: 'TLS', status: 'warning', detail: '' },
      { id: 'host', title: 'Where', status: 'info', detail: '' },
      { id: 'logon', title: 'Logon', status: 'skipped', detail: '' },
    ]);
    assert.equal(signedOut.ok, true);
    assert.equal(signedOut.warnings.length, 1);
    assert.equal(signedOut.line, 'Test Connection: 2 checks passed, 1 with a warning; some steps need a sign-in.');
    assert.equal(summarize([{ id: 'ping', title: 'Ping', status: 'passed', detail: '' }]).line, 'Test Connection: 1 check passed.');
  });
});
