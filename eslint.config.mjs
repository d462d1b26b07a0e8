// Lint rules: typescript-eslint's recommended set, plus the arrows of
// ARCHITECTURE.md, per folder of src/ (test/unit/layers.test.ts shows each
// rule firing):
// - only extension.ts, ui/ and host/ import `vscode`;
// - ui → host → sources → protocol, emulator → protocol, host → emulator
//   (it starts the emulator and reads its ready line); nothing points back up;
// - outside protocol/, only its public face (protocol/index.ts) is imported.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const noVscode = { name: 'vscode', message: 'Only extension.ts, ui/ and host/ may depend on VS Code.' };
const protocolInside = { group: ['**/protocol/*'], message: 'Import the protocol layer from its public face (protocol/index.ts).' };
const above = (folders, why) => ({ group: folders.flatMap((f) => [`../${f}`, `../${f}/*`]), message: why });

function layerRules() {
  const rule = (paths, patterns) => ({ '@typescript-eslint/no-restricted-imports': ['error', { paths, patterns }] });
  return [
    { files: ['src/protocol/**/*.ts'], rules: rule([noVscode], [above(['sources', 'host', 'ui', 'emulator', 'extension'], 'protocol/ is the bottom layer: it imports no other folder of src/.')]) },
    { files: ['src/sources/**/*.ts'], rules: rule([noVscode], [protocolInside, above(['host', 'ui', 'emulator', 'extension'], 'sources/ imports only protocol/; host/ implements the interfaces sources/ declares.')]) },
    { files: ['src/emulator/**/*.ts'], rules: rule([noVscode], [protocolInside, above(['sources', 'host', 'ui', 'extension'], 'The emulator shares only protocol/ with the extension.')]) },
    { files: ['src/host/**/*.ts'], rules: rule([], [protocolInside, above(['ui', 'extension'], 'host/ adapts VS Code (and the emulator process) for sources/; it never imports ui/.')]) },
    { files: ['src/ui/**/*.ts'], rules: rule([], [protocolInside, above(['emulator', 'extension'], 'ui/ never imports the emulator or extension.ts.')]) },
    { files: ['src/extension.ts'], rules: rule([], [protocolInside]) },
  ];
}

export default tseslint.config(
  { ignores: ['node_modules/**', 'dist/**', 'out/**', '.vscode-test/**', 'test-results/**', 'reports/**', '.stryker-tmp/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    files: ['**/*.ts'],
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always'],
      // `import vscode = require('vscode')`: esbuild turns `import * as vscode` of this external
      // CommonJS module into a copy of the whole API object per importing file, at activation.
      '@typescript-eslint/no-require-imports': ['error', { allow: ['^vscode$'] }],
      'no-console': 'off',
    },
  },
  ...layerRules(),
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
  },
);
