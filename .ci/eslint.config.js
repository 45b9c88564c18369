import { readdirSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import js from '@eslint/js';
import tseslint from 'typescript-eslint';

const root = new URL('..', import.meta.url);

// Every folder under src/ is a feature (or plumbing that owns tables, like web/once.tables.ts), read
// from disk so a new feature is covered without editing this file. src/db is the drizzle plumbing:
// db/schema.ts re-exports every table for migrations, so it is left out.
const features = readdirSync(new URL('src/', root), { withFileTypes: true })
  .filter((d) => d.isDirectory() && d.name !== 'db')
  .map((d) => d.name);

const ltijsOnly = { name: 'ltijs', message: 'Only src/lti/ltijs.ts may import ltijs.' };

/** Another feature's tables and repository are its own: go through its service. */
const otherFeaturesData = (feature) => ({
  group: features.filter((f) => f !== feature).flatMap((f) => [`**/${f}/*.tables.js`, `**/${f}/*.repository.js`]),
  message: "A feature reads and writes another feature's data through that feature's service, never its tables or repository.",
});

// Services are the rules of the domain, callable from routes, jobs and scripts alike, so they must
// not depend on the HTTP layer. These web/ modules carry no request, response or view: types and
// plain values (clock, logger, config, errors as values with a status, form field errors, the
// school's time zone, school year and day arithmetic, URL building, record ids, the texts by key and
// language that errors and presenters are made of). Moving them out of
// web/ would touch about 60 imports for no behaviour change; the list keeps the rest of web/
// (context, app, views, routes, body, csp, once, student-nav, ...) out of reach.
const webNeutral = ['clock', 'logger', 'config', 'errors', 'forms', 'time-zone', 'school-year', 'days', 'urls', 'ids', 'i18n', 'intl'];
const webFromServices = {
  group: ['**/web/*', ...webNeutral.map((m) => `!**/web/${m}.js`)],
  message: 'A service must not depend on the web layer (src/web/); only the plumbing-neutral modules listed in .ci/eslint.config.js are allowed.',
};

const restrict = (...patterns) => ['error', { paths: [ltijsOnly], patterns }];

export default tseslint.config(
  { ignores: ['dist/**', 'node_modules/**', 'data/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      // `any` needs a comment saying why, next to an eslint-disable line.
      '@typescript-eslint/no-explicit-any': 'error',
      'no-restricted-imports': restrict(),
    },
  },
  {
    // Type-aware rules: a promise nobody awaits loses its error (an unhandled rejection kills the process).
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: true, tsconfigRootDir: fileURLToPath(root) } },
    rules: {
      '@typescript-eslint/no-floating-promises': 'error',
      // Checked in full, void-return arguments included: Express 5's types already accept async
      // handlers (it forwards their rejections to the error handler), so routes need no exception;
      // a library that ignores a returned promise gets a commented disable where it is called.
      '@typescript-eslint/no-misused-promises': 'error',
    },
  },
  ...features.flatMap((feature) => [
    { files: [`src/${feature}/**/*.ts`], rules: { 'no-restricted-imports': restrict(otherFeaturesData(feature)) } },
    { files: [`src/${feature}/**/*.service.ts`], rules: { 'no-restricted-imports': restrict(otherFeaturesData(feature), webFromServices) } },
  ]),
  {
    // A table's foreign keys reference the other feature's table object (drizzle needs it).
    files: ['src/**/*.tables.ts'],
    rules: { 'no-restricted-imports': restrict({ group: ['**/*.repository.js'], message: 'Tables describe columns; they never call a repository.' }) },
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
