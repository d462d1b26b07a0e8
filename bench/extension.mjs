// `npm run bench:extension`: bundles bench/extension.bench.ts with esbuild and runs it.
import { runTypeScriptEntry } from '../test/support/tsEntry.mjs';

await runTypeScriptEntry('bench/extension.bench.ts');
