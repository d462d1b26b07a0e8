// `npm run test:mutation`: StrykerJS over src/protocol and src/sources (see mutationMain.ts).
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('mutationMain');
