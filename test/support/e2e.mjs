// `npm run test:e2e`: the browser suite (see e2eMain.ts).
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('e2eMain');
