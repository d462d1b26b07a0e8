// `npm test`: lint, typecheck, unit, integration, e2e (see runAllMain.ts).
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('runAllMain');
