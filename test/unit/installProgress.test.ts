// Provisioning's progress line, read from npm 11's own `--loglevel=http`
// output (the lines below are copied from a real install).
import * as assert from 'node:assert/strict';
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { describeProgress, elapsed, readProgress, watchInstall } from '../support/provision';

const NPM_LOG = `npm http fetch GET 200 https://registry.npmjs.org/https-proxy-agent 1383ms (cache updated)
npm http fetch GET 200 https://registry.npmjs.org/debug 429ms (cache updated)
npm http fetch GET 200 https://registry.npmjs.org/agent-base 362ms (cache updated)
npm http fetch GET 200 https://registry.npmjs.org/@vscode%2fripgrep 342ms (cache updated)
npm http cache ms@https://registry.npmjs.org/ms/-/ms-2.1.3.tgz 0ms (cache hit)
npm http fetch GET 200 https://registry.npmjs.org/@vscode/ripgrep/-/ripgrep-1.15.11.tgz 812ms (cache miss)
npm http cache agent-base@https://registry.npmjs.org/agent-base/-/agent-base-8.0.0.tgz 0ms (cache hit)
`;

describe('provisioning progress (test/support/provision)', () => {
  it('counts the packages npm resolved and the tarballs it fetched or took from its cache, and names the last', () => {
    assert.deepEqual(readProgress(NPM_LOG), { resolved: 4, fetched: 3, last: 'agent-base@8.0.0' });
    const scoped = readProgress(NPM_LOG.split('\n').slice(0, 6).join('\n'));
    assert.deepEqual(scoped, { resolved: 4, fetched: 2, last: '@vscode/ripgrep@1.15.11' });
  });

  it('says what is installed, how far, and for how long, in one line', () => {
    const line = describeProgress('npm install code-server@4.139.1', readProgress(NPM_LOG), 95_000, [{ label: "of VS Code's modules in place", count: 12 }]);
    assert.equal(line, "  npm install code-server@4.139.1: 3 of 4 packages fetched (last: agent-base@8.0.0), 12 of VS Code's modules in place; 1m 35s");
    assert.equal(describeProgress('npm install node@24', readProgress(''), 4_000), '  npm install node@24: resolving packages; 4s');
  });

  it('writes durations as a person reads them', () => {
    assert.equal(elapsed(0), '0s');
    assert.equal(elapsed(59_999), '59s');
    assert.equal(elapsed(60_000), '1m 00s');
    assert.equal(elapsed(605_000), '10m 05s');
  });

  it('prints a line while npm writes its log, and only when something moved', async () => {
    const dir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-progress-'));
    const logFile = path.join(dir, 'install.log');
    fs.writeFileSync(logFile, '');
    const lines: string[] = [];
    const stop = watchInstall({ what: 'npm install x', logFile, log: (line) => lines.push(line), everyMs: 20 });
    const tick = () => new Promise((resolve) => setTimeout(resolve, 120));
    try {
      await tick();
      fs.appendFileSync(logFile, NPM_LOG.split('\n').slice(0, 5).join('\n') + '\n');
      await tick();
      await tick();
      fs.appendFileSync(logFile, NPM_LOG.split('\n').slice(5).join('\n'));
      await tick();
    } finally {
      stop();
      fs.rmSync(dir, { recursive: true, force: true });
    }
    assert.deepEqual(
      lines.map((line) => line.replace(/; \d+s$/, '')),
      ['  npm install x: resolving packages', '  npm install x: 1 of 4 packages fetched (last: ms@2.1.3)', '  npm install x: 3 of 4 packages fetched (last: agent-base@8.0.0)'],
    );
  });
});
