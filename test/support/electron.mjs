// `npm run test:electron`: the integration suite in a downloaded desktop VS Code (see electronMain.ts).
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('electronMain');
