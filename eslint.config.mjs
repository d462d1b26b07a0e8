// Lint rules: typescript-eslint's recommended set, plus the layering rule from
// DESIGN.md: protocol/, sources/ and emulator/ never import `vscode`.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

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
  {
    files: ['src/protocol/**/*.ts', 'src/sources/**/*.ts', 'src/emulator/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: [{ name: 'vscode', message: 'protocol/, sources/ and emulator/ must not depend on VS Code.' }] }],
    },
  },
  {
    files: ['**/*.mjs', '**/*.js', '**/*.cjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly', Buffer: 'readonly', setInterval: 'readonly', clearInterval: 'readonly', fetch: 'readonly', __dirname: 'readonly', require: 'readonly', module: 'writable' } },
  },
);
