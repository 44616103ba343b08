// @ts-check
import js from '@eslint/js';
import reactHooks from 'eslint-plugin-react-hooks';
import tseslint from 'typescript-eslint';

/**
 * Lint rules, including the architecture's boundaries: the server and client never import each
 * other, and `shared/` stays free of Node and the DOM so both can use it.
 */
const boundary = (/** @type {string[]} */ group, /** @type {string} */ message) => ({
  'no-restricted-imports': ['error', { patterns: [{ group, message }] }],
});

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**', 'coverage/**', '.scratch/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { ecmaVersion: 2023, sourceType: 'module' },
    rules: {
      '@typescript-eslint/consistent-type-imports': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      eqeqeq: ['error', 'always', { null: 'ignore' }],
      'no-console': 'error',
    },
  },
  {
    files: ['client/**/*.tsx', 'client/**/*.ts'],
    plugins: { 'react-hooks': reactHooks },
    rules: {
      'react-hooks/rules-of-hooks': 'error',
      'react-hooks/exhaustive-deps': 'error',
    },
  },
  {
    files: ['server/**/*.ts'],
    rules: boundary(
      ['**/client/**', '../client/*', '../../client/*'],
      'The server must not import client code: put what both need in shared/.',
    ),
  },
  {
    files: ['client/**/*.ts', 'client/**/*.tsx'],
    rules: boundary(
      ['**/server/**', '../server/*', '../../server/*', 'node:*'],
      'The client must not import server code or Node modules: put what both need in shared/.',
    ),
  },
  {
    files: ['shared/**/*.ts'],
    rules: boundary(
      ['**/server/**', '**/client/**', '../server/*', '../client/*', 'node:*', 'ws', 'better-sqlite3', 'react', 'react-dom'],
      'shared/ is used by both ends: no Node, no DOM framework, no server or client imports.',
    ),
  },
  {
    // Benchmarks, CI scripts and the CLI talk to people on the terminal.
    files: ['bench/**/*.ts', 'scripts/**/*.ts', 'server/cli.ts', 'test/**/*.ts', '.ci/**/*.mjs'],
    rules: { 'no-console': 'off' },
  },
  {
    files: ['.ci/**/*.mjs'],
    languageOptions: { globals: { process: 'readonly', console: 'readonly' } },
  },
);
