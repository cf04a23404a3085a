// Lint for the whole tree. The layering rules mirror ARCHITECTURE.md: app/ is pure,
// renderer/ sees only app/, main/ sees app/ and native/, only main/electron/ sees electron.
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import globals from 'globals';

const nodeBuiltins = [
  'node:*',
  'fs',
  'path',
  'os',
  'worker_threads',
  'child_process',
  'net',
  'http',
  'crypto',
];

function layer(files, forbidden, message) {
  return {
    files,
    rules: {
      'no-restricted-imports': ['error', { patterns: [{ group: forbidden, message }] }],
    },
  };
}

export default tseslint.config(
  { ignores: ['node_modules/', 'build/', 'native/build/', 'test/bench/out/'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
  },
  layer(
    ['app/**/*.ts'],
    [...nodeBuiltins, 'electron', 'react', '**/main/**', '**/renderer/**', '**/native/**', '**/test/**'],
    'Bad layering: app/ is pure TypeScript and imports nothing outside app/.',
  ),
  layer(
    ['renderer/**/*.{ts,tsx}'],
    [...nodeBuiltins, 'electron', '**/main/**', '**/native/**', '**/test/**'],
    'Bad layering: renderer/ may import only app/ (and browser packages).',
  ),
  layer(
    ['main/**/*.ts', 'native/**/*.ts'],
    ['electron', '**/renderer/**', '**/test/**'],
    'Bad layering: only main/electron/ imports electron; main/ never imports renderer/.',
  ),
  layer(
    ['main/electron/**/*.ts'],
    ['**/renderer/**', '**/test/**'],
    'Bad layering: the shell never imports renderer/ code.',
  ),
);
