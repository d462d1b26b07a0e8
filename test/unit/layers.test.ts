// The arrows of ARCHITECTURE.md are kept by ESLint (eslint.config.mjs): each
// case lints one import line as if it sat in a file of that folder, with the
// project's real configuration, and checks whether the layer rule fires.
import * as assert from 'node:assert/strict';
import * as path from 'node:path';
import { ESLint } from 'eslint';

const root = path.resolve(__dirname, '..', '..', '..');
const eslint = new ESLint({ cwd: root });

async function layerErrors(file: string, line: string): Promise<string[]> {
  const [result] = await eslint.lintText(`${line}\nexport const used = x;\n`, { filePath: path.join(root, file) });
  return result.messages.filter((m) => m.ruleId === '@typescript-eslint/no-restricted-imports').map((m) => m.message);
}

const refused: Array<[string, string]> = [
  ['src/protocol/x.ts', "import vscode = require('vscode'); const x = vscode;"],
  ['src/sources/x.ts', "import vscode = require('vscode'); const x = vscode;"],
  ['src/emulator/x.ts', "import * as x from 'vscode';"],
  ['src/protocol/x.ts', "import { x } from '../sources/session';"],
  ['src/sources/x.ts', "import { x } from '../host/config';"],
  ['src/sources/x.ts', "import { x } from '../ui/commands';"],
  ['src/sources/x.ts', "import { x } from '../protocol/client';"],
  ['src/ui/x.ts', "import { x } from '../protocol/errors';"],
  ['src/host/x.ts', "import { x } from '../ui/statusBar';"],
  ['src/emulator/x.ts', "import { x } from '../sources/session';"],
  ['src/extension.ts', "import { x } from './protocol/messages';"],
];

const allowed: Array<[string, string]> = [
  ['src/ui/x.ts', "import vscode = require('vscode'); const x = vscode;"],
  ['src/host/x.ts', "import vscode = require('vscode'); const x = vscode;"],
  ['src/extension.ts', "import vscode = require('vscode'); const x = vscode;"],
  ['src/sources/x.ts', "import { x } from '../protocol';"],
  ['src/ui/x.ts', "import { x } from '../sources/session';"],
  ['src/host/x.ts', "import { x } from '../emulator/readyLine';"],
  ['src/protocol/x.ts', "import { x } from './client';"],
];

describe('layer rules (eslint.config.mjs)', function () {
  this.timeout(60_000);

  for (const [file, line] of refused) {
    it(`refuses in ${file}: ${line.split(';')[0]}`, async () => {
      const errors = await layerErrors(file, line);
      assert.equal(errors.length, 1, `expected the layer rule to fire once, got: ${JSON.stringify(errors)}`);
    });
  }
  for (const [file, line] of allowed) {
    it(`allows in ${file}: ${line.split(';')[0]}`, async () => {
      assert.deepEqual(await layerErrors(file, line), []);
    });
  }
});
