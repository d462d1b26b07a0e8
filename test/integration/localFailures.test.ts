// A local failure never rewrites the server's outcome (issue 8, A5): when the
// server opened or closed a source but globalState refuses the write, the
// open or close is reported as done, and the failed write separately (logged,
// and a warning that the list could not be saved for offline use). A log line
// that fails never fails anything either.
//
// The Memento here is a stand-in whose update() rejects: the last resort the
// house rules allow. code-server's globalState never rejects by itself (it
// writes to a storage service that swallows its own errors), and the
// extension's own context cannot be reached from a test. What is tested is
// our handling of a refusal, through the extension's real cache adapter and
// SourceService, against the run's emulator.
import * as assert from 'node:assert/strict';
import * as vscode from 'vscode';
import { Log } from '../../src/host/log';
import { Notifier } from '../../src/host/notifier';
import { HostingClient } from '../fixtures/hostingClient';
import { RestClient } from '../../src/protocol/rest';
import { SourceService } from '../../src/sources/sourceService';
import { Redactor } from '../../src/host/redact';
import { GlobalStateSourcesCache } from '../../src/host/sourcesCache';
import { listOwner } from '../../src/sources/listSaver';
import { warnWhenCacheFails } from '../../src/ui/notices';
import { testConfig } from './config';

/** A Memento whose reads work and whose every write is refused. */
class RefusingMemento implements vscode.Memento {
  readonly #values = new Map<string, unknown>();
  updates = 0;
  keys(): readonly string[] {
    return [...this.#values.keys()];
  }
  get<T>(key: string, defaultValue?: T): T | undefined {
    return this.#values.has(key) ? (this.#values.get(key) as T) : defaultValue;
  }
  update(): Thenable<void> {
    this.updates++;
    return Promise.reject(new Error('the disk is full'));
  }
}

/** A redactor that fails on every line: the log can fail like any other local write. */
class FailingRedactor extends Redactor {
  override redact(): string {
    throw new Error('the redactor failed');
  }
}

describe('when globalState refuses to save the source list', function () {
  this.timeout(30_000);
  let client: HostingClient;
  let memento: RefusingMemento;
  let service: SourceService;
  let log: Log;
  let notifier: Notifier;
  let warning: { dispose(): void };
  const NAME = 'cache-refused.example';

  beforeEach(async () => {
    const { restUrl, serverUrl } = testConfig();
    const login = await new RestClient(restUrl).login('demo', 'demo');
    client = new HostingClient({ serverUrl, credentials: async () => ({ userId: login.userId, sessionKey: login.sessionKey }), keepAliveMs: 0, reconnect: false });
    await client.connect();
    memento = new RefusingMemento();
    // Wired as activate() wires it: failures to the log, and the one warning through the notifier.
    const redactor = new Redactor();
    log = new Log(redactor);
    notifier = new Notifier(log.named('notice'), (text) => redactor.blankSecrets(text));
    service = new SourceService(new GlobalStateSourcesCache(memento), (what, err) =>
      log.named('sources').warn(`${what}: ${err instanceof Error ? err.message : String(err)}`),
    );
    warning = warnWhenCacheFails(service, notifier);
    await service.attach(client, listOwner(serverUrl, login.userId));
  });

  afterEach(async () => {
    warning.dispose();
    service.dispose();
    log.dispose();
    // Leave the emulator as found, whatever the test did.
    for (const s of (await client.listGameSources()).filter((x) => x.name === NAME)) await client.closeGameSource(s.id);
    client.dispose();
  });

  it('an open the server carried out is reported as opened (once on the server), not as failed', async () => {
    const id = await service.open(NAME);
    assert.ok(memento.updates > 0, 'the cache write was attempted and refused');
    assert.equal(service.get(id)?.info.name, NAME, 'the model shows the opened source');
    const onServer = (await client.listGameSources()).filter((s) => s.name === NAME);
    assert.deepEqual(onServer.map((s) => s.id), [id], 'exactly one such source on the server');
    const warnings = notifier.shown.filter((n) => n.severity === 'warning' && /could not be saved for offline use \(the disk is full\)/.test(n.message));
    assert.equal(warnings.length, 1, `one warning for the run of failed saves; shown: ${JSON.stringify(notifier.shown)}`);
    assert.deepEqual(warnings[0].steps.map((s) => s.label), ['Show Log']);
    assert.ok(!notifier.shown.some((n) => n.severity === 'error'), 'nothing is reported as failed');
  });

  it('a close the server carried out is reported as closed, not as failed', async () => {
    const id = await client.openGameSource(NAME);
    await service.refresh();
    const updatesBefore = memento.updates;
    const result = await service.close([id]);
    assert.ok(memento.updates > updatesBefore, 'the cache write was attempted and refused');
    assert.deepEqual(result, { closed: [id], failed: [] });
    assert.equal(service.get(id), undefined);
  });
});

describe('the Instamrkt log', () => {
  it('never throws, even when a line cannot be written (logging is on success paths)', () => {
    const failing = new Log(new FailingRedactor());
    try {
      const logger = failing.named('test');
      assert.doesNotThrow(() => {
        logger.info('opened');
        logger.warn('cache: the disk is full');
        logger.error(new Error('shown elsewhere'));
      });
    } finally {
      failing.dispose();
    }
  });
});
