import { defineConfig } from 'drizzle-kit';

// Each feature keeps its tables beside its code in a *.tables.ts file.
export default defineConfig({
  dialect: 'postgresql',
  schema: './src/**/*.tables.ts',
  out: './src/db/migrations',
});
