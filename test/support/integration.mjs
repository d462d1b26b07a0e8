// `npm run test:integration`: the in-host suite in code-server (see integrationMain.ts).
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('integrationMain');
