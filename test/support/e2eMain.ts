// `npm run test:e2e`: bundles test/e2e/*.test.ts with the e2e host (so the
// suite never depends on a stale out/ folder) and runs it in this process.
import * as path from 'node:path';
import { bundleSuite } from './bundleSuite';
import { grepArgument } from './cliArgs';
import { cacheDir, repoRoot } from './paths';

export async function main(argv: readonly string[] = []): Promise<number> {
  const started = Date.now();
  const outfile = path.join(cacheDir, 'build', 'e2e-suite.cjs');
  await bundleSuite({
    testDir: path.join(repoRoot, 'test', 'e2e'),
    hostModule: path.join(repoRoot, 'test', 'support', 'e2eHost.ts'),
    outfile,
    bundleDependencies: false,
  });
  process.setSourceMapsEnabled(true);
  // eslint-disable-next-line @typescript-eslint/no-require-imports
  const suite = require(outfile) as { run(grep?: string): Promise<number> };
  const code = await suite.run(grepArgument(argv));
  console.log(`E2E phase took ${((Date.now() - started) / 1000).toFixed(1)} s`);
  return code;
}

