// `node test/support/provision.mjs`: provision code-server into .vscode-test/ now.
import { runTypeScriptEntry } from './tsEntry.mjs';

await runTypeScriptEntry('provisionMain');
