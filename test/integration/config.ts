// What the launcher tells the in-host suite about its run: where the emulator
// listens and where things are. Set by the host module before any test loads.
import type { TestPkiFiles } from '../fixtures/certificates';

export interface IntegrationConfig {
  /** WebSocket URL of the run's emulator (also in the user setting instamrkt.serverUrl). */
  readonly serverUrl: string;
  /** REST base URL of the run's emulator (also in the user setting instamrkt.restUrl). */
  readonly restUrl: string;
  /** The emulator's state file (it is a real server: read it only to check what it persisted). */
  readonly emulatorStateFile: string;
  /** The repository the suite was built from (e.g. to read package.json). */
  readonly repoRoot: string;
  /** The extension under test, publisher.name. */
  readonly extensionId: string;
  /**
   * The run's throwaway certificates (test/fixtures/certificates.ts): PEM file
   * paths. code-server runs with NODE_EXTRA_CA_CERTS = `ca`, so the extension
   * host trusts that CA as it would a system CA.
   */
  readonly pki?: TestPkiFiles;
}

let current: IntegrationConfig | undefined;
let logsDir: string | undefined;

/**
 * The extension host's log folder (every extension logs into a subfolder
 * named by its id), as the test-runner extension learns it from its own
 * context.logUri at activation.
 */
export function setHostLogsDir(dir: string): void {
  logsDir = dir;
}

export function hostLogsDir(): string | undefined {
  return logsDir;
}

export function setTestConfig(config: IntegrationConfig): void {
  current = config;
}

/** The run's configuration; throws when called outside a suite run. */
export function testConfig(): IntegrationConfig {
  if (!current) throw new Error('integration config not set: run the suite through its host (npm run test:integration)');
  return current;
}

/** Checks a parsed JSON value has the fields of IntegrationConfig. */
export function parseTestConfig(value: unknown, source: string): IntegrationConfig {
  const fields = ['serverUrl', 'restUrl', 'emulatorStateFile', 'repoRoot', 'extensionId'] as const;
  if (!value || typeof value !== 'object') throw new Error(`${source}: not a JSON object`);
  const record = value as Record<string, unknown>;
  for (const field of fields) {
    if (typeof record[field] !== 'string') throw new Error(`${source}: "${field}" missing or not a string`);
  }
  return {
    serverUrl: record.serverUrl as string,
    restUrl: record.restUrl as string,
    emulatorStateFile: record.emulatorStateFile as string,
    repoRoot: record.repoRoot as string,
    extensionId: record.extensionId as string,
    // Written by the launcher next to the fields above; only its shape is trusted here.
    pki: typeof record.pki === 'object' && record.pki !== null ? (record.pki as TestPkiFiles) : undefined,
  };
}
