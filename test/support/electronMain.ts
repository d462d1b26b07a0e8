// `npm run test:electron`: the same integration suite inside a desktop VS Code
// downloaded by @vscode/test-electron, for machines that can reach
// Microsoft's update service (this project's CI machines cannot: `npm test`
// never runs this). The extension runs from the tree (extensionDevelopmentPath).
import * as fs from 'node:fs';
import * as os from 'node:os';
import * as path from 'node:path';
import { runTests } from '@vscode/test-electron';
import type { IntegrationConfig } from '../integration/config';
import { bundleSuite } from './bundleSuite';
import { writeUserSettings } from './codeServer';
import { startEmulator } from './emulator';
import { cacheDir, EXTENSION_ID, repoRoot } from './paths';
import { stopAll } from './processes';
import { runNode } from './vsix';

const VSCODE_VERSION = process.env.INSTAMRKT_VSCODE_VERSION ?? 'stable';

export async function main(): Promise<number> {
  const runDir = fs.mkdtempSync(path.join(os.tmpdir(), 'instamrkt-electron-'));
  const workspaceDir = path.join(runDir, 'workspace');
  fs.mkdirSync(workspaceDir);
  try {
    // Test build (sourcemaps): the development extension runs from dist/.
    await runNode('esbuild', [path.join(repoRoot, 'esbuild.mjs')]);
    const suite = path.join(cacheDir, 'build', 'electron-suite.js');
    await bundleSuite({
      testDir: path.join(repoRoot, 'test', 'integration'),
      hostModule: path.join(repoRoot, 'test', 'integration', 'electronHost.ts'),
      outfile: suite,
      bundleDependencies: true,
      external: ['vscode'],
    });
    const emulator = await startEmulator({ seed: 'demo', stateFile: path.join(runDir, 'emulator-state.json') });
    const config: IntegrationConfig = { serverUrl: emulator.serverUrl, restUrl: emulator.restUrl, emulatorStateFile: emulator.stateFile, repoRoot, extensionId: EXTENSION_ID };
    const configFile = path.join(runDir, 'config.json');
    fs.writeFileSync(configFile, JSON.stringify(config));
    const userDataDir = path.join(runDir, 'user-data');
    writeUserSettings(userDataDir, { 'instamrkt.serverUrl': emulator.serverUrl, 'instamrkt.restUrl': emulator.restUrl });
    const code = await runTests({
      version: VSCODE_VERSION,
      cachePath: cacheDir,
      extensionDevelopmentPath: repoRoot,
      extensionTestsPath: suite,
      extensionTestsEnv: { INSTAMRKT_TEST_CONFIG: configFile },
      launchArgs: [workspaceDir, '--user-data-dir', userDataDir, '--extensions-dir', path.join(runDir, 'extensions'), '--disable-gpu'],
    });
    return code;
  } catch (err) {
    console.error(`test:electron failed: ${err instanceof Error ? err.message : String(err)}`);
    console.error('(@vscode/test-electron downloads VS Code from Microsoft; machines without that access use `npm run test:integration`, which runs the same suite in code-server.)');
    return 1;
  } finally {
    await stopAll();
    fs.rmSync(runDir, { recursive: true, force: true });
  }
}
