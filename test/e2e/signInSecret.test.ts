// A password typed into Sign In never comes back out, as a person would see
// it: the sign-in server here quotes the password it was sent in its refusal
// (as careless servers and error pages do). The error shown in the browser
// and the extension's log file on disk carry the server's reason with the
// password blanked, and nowhere the password itself.
import * as assert from 'node:assert/strict';
import { randomBytes } from 'node:crypto';
import * as http from 'node:http';
import { isSignedIn, putSignInBack } from './account';
import { extensionLog, useFixture } from './fixture';
import { waitUntil } from './workbench';

/** A sign-in server that refuses every password, quoting it: GET / sets the anti-forgery cookie, POST /r/login/ answers 401. */
async function quotingServer(port: number): Promise<http.Server> {
  const server = http.createServer((req, res) => {
    if (req.method === 'GET' && req.url === '/') {
      res.writeHead(200, { 'Set-Cookie': '_xsrf=quoting-server-token; Path=/', 'Content-Type': 'text/plain' });
      res.end('ok');
      return;
    }
    if (req.method === 'POST' && req.url === '/r/login/') {
      const chunks: Buffer[] = [];
      req.on('data', (chunk: Buffer) => chunks.push(chunk));
      req.on('end', () => {
        const body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as { username?: string; password?: string };
        res.writeHead(401, { 'Content-Type': 'application/json' });
        res.end(JSON.stringify({ msg: `No account matches "${body.username}" with the password "${body.password}".` }));
      });
      return;
    }
    res.writeHead(404).end();
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(port, '127.0.0.1', resolve);
  });
  return server;
}

describe('a password the sign-in server quotes back (in the browser)', function () {
  this.timeout(180_000);
  const fixture = useFixture();

  it('Sign In with a password the server quotes in its refusal: the error shown and the log give the reason with the password blanked', async () => {
    const f = fixture();
    const { workbench: wb, step } = f;
    // Unique, and shaped like no pattern the redactor knows: only the value it was handed can blank it.
    const password = `Sesame${randomBytes(6).toString('hex')}Open`;
    await step('open the Instamrkt view', () => wb.openViewContainer('Instamrkt'));
    const wasSignedIn = await isSignedIn(wb);
    const port = f.server().port;
    await step('the run\'s server stops', () => f.stopServer());
    const quoting = await quotingServer(port);
    try {
      await wb.runCommand('Notifications: Clear All Notifications');
      await step('run Sign In', () => wb.runCommand('Instamrkt: Sign In'));
      await wb.answerInput('demo', { prompt: /Username/ });
      await step('type the password (masked)', () => wb.answerInput(password, { prompt: /Password/, password: true }));
      // A refused password reopens the password prompt with the server's reason (signInFlow.ts), not a toast.
      // The username reads «redacted» too when this window signed in as demo/demo before: every value known as a password is blanked.
      await step('the refusal is shown in the prompt', () => wb.waitForQuickInputText(/No account matches /, 30_000));
      const shown = await wb.quickInputMessage();
      assert.match(shown, /^No account matches "(demo|«redacted»)" with the password "«redacted»"\./, 'the server\'s reason, with the password blanked');
      assert.ok(!shown.includes(password), 'the password is not in the prompt');
      await step('give up', () => wb.page.keyboard.press('Escape'));
      await waitUntil('the refusal in the log file', 15_000, async () => /No account matches /.test(extensionLog(f.harness.userDataDir)));
      const log = extensionLog(f.harness.userDataDir);
      const quoted = log.split('\n').filter((line) => line.includes('No account matches '));
      assert.ok(quoted.every((line) => line.includes('with the password "«redacted»"')), `logged with the password blanked: ${quoted.join('\n')}`);
      assert.ok(!log.includes(password), 'the password is in no line of the log');
    } finally {
      quoting.closeAllConnections();
      await new Promise<void>((resolve) => quoting.close(() => resolve()));
      await f.startServer();
      await wb.runCommand('Notifications: Clear All Notifications');
      await putSignInBack(wb, wasSignedIn);
    }
  });
});
