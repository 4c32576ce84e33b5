import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  // libs/imaging/assembly is AssemblyScript (compiled by scripts/build-wasm.mjs), not TypeScript.
  { ignores: ['**/dist/**', '**/node_modules/**', 'out/**', '.nx/**', 'coverage/**', '.tmp/**', 'libs/imaging/assembly/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      'no-constant-condition': ['error', { checkLoops: false }],
    },
  },
);
