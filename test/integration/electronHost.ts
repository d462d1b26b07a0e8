// Entry for @vscode/test-electron (`extensionTestsPath`): runs the same
// integration suite inside a downloaded desktop VS Code. The config file's
// path arrives in INSTAMRKT_TEST_CONFIG (test-electron passes the env through).
import * as fs from 'node:fs';
import { parseTestConfig, setTestConfig } from './config';
import { runSuite, type TestLoader } from './suite';

export function host(loadTests: TestLoader): { run(): Promise<void> } {
  return {
    async run() {
      const configFile = process.env.INSTAMRKT_TEST_CONFIG;
      if (!configFile) throw new Error('INSTAMRKT_TEST_CONFIG is not set: start the suite with npm run test:electron');
      setTestConfig(parseTestConfig(JSON.parse(fs.readFileSync(configFile, 'utf8')), configFile));
      const results = await runSuite(loadTests, (line) => console.log(line));
      console.log(`${results.passes} passed, ${results.failures} failed, ${results.pending} pending`);
      if (results.failures > 0) throw new Error(`${results.failures} integration test(s) failed`);
    },
  };
}
