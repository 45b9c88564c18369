import js from '@eslint/js';
import tseslint from 'typescript-eslint';

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `any` needs a comment saying why, next to an eslint-disable line.
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': ['error', { paths: [{ name: 'ltijs', message: 'Only src/lti/ltijs.ts may import ltijs.' }] }],
    },
  },
  {
    // Page scripts served to the browser as they are (no build step).
    files: ['src/web/public/**/*.js'],
    languageOptions: { sourceType: 'script', globals: { window: 'readonly', document: 'readonly', ResizeObserver: 'readonly' } },
  },
  {
    files: ['src/lti/ltijs.ts', 'src/lti/ltijs-*.ts'],
    rules: { 'no-restricted-imports': 'off' },
  },
);
