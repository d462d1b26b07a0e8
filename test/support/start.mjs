// `npm start`: VS Code in the browser with the extension and the local emulator (see startMain.ts).
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('startMain');
