// Lint config. The rule that matters most: the engine stays pure (ARCHITECTURE section 2).
import js from '@eslint/js';
import tseslint from 'typescript-eslint';
import layers from './eslint/layers.mjs';

const adapterPackages = ['vscode', 'ldapts', '@azure/msal-node', '@microsoft/microsoft-graph-client'];
const banned = adapterPackages.flatMap((name) => [
  { name, message: 'src/engine/ is pure: talk to the outside through the ports it owns.' },
]);
const bannedPatterns = adapterPackages.map((name) => ({
  group: [`${name}/*`],
  message: 'src/engine/ is pure: talk to the outside through the ports it owns.',
}));

export default tseslint.config(
  { ignores: ['dist/**', 'out/**', 'node_modules/**', 'test/.state/**', 'test/artifacts/**', '.cache/**', 'media/**', 'src/report/browser/report-script.bundle.js'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { console: 'readonly', process: 'readonly', Buffer: 'readonly', setTimeout: 'readonly', clearTimeout: 'readonly', URL: 'readonly' } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/no-explicit-any': 'off',
    },
  },
  {
    files: ['src/**/*.ts', 'webview/**/*.ts'],
    plugins: { layers },
    rules: { 'layers/imports': 'error' },
  },
  {
    files: ['src/engine/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { paths: banned, patterns: bannedPatterns }],
    },
  },
);
