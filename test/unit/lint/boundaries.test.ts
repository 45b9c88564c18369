import { expect } from 'chai';
import { ESLint } from 'eslint';

/**
 * The feature boundaries of .ci/eslint.config.js, shown on fixture text placed as if in src/. The
 * type-aware rules are switched off here: they need the TypeScript program (slow) and the fixture
 * paths are not files of it; the import rules need no types.
 */
const eslint = new ESLint({
  cwd: process.cwd(),
  overrideConfigFile: '.ci/eslint.config.js',
  overrideConfig: {
    files: ['**/*.ts'],
    languageOptions: { parserOptions: { projectService: false } },
    rules: { '@typescript-eslint/no-floating-promises': 'off', '@typescript-eslint/no-misused-promises': 'off' },
  },
});

async function restrictedImports(filePath: string, code: string): Promise<string[]> {
  const [result] = await eslint.lintText(code, { filePath });
  // Only parse errors or this rule may appear: a fixture that does not parse must fail loudly.
  const other = result.messages.filter((m) => m.ruleId !== 'no-restricted-imports' && m.ruleId !== '@typescript-eslint/no-unused-vars');
  expect(other, JSON.stringify(other)).to.deep.equal([]);
  return result.messages.filter((m) => m.ruleId === 'no-restricted-imports').map((m) => m.message);
}

const uses = (specifier: string, name = 'x') => `import { ${name} } from '${specifier}';\nexport const used = ${name};\n`;

describe('lint: feature boundaries', function () {
  this.timeout(20_000);

  it("a feature importing another feature's tables or repository fails lint", async () => {
    const tables = await restrictedImports('src/goals/x.ts', uses('../plans/plans.tables.js', 'plans'));
    expect(tables).to.have.length(1);
    expect(tables[0]).to.contain("another feature's data through that feature's service");
    expect(await restrictedImports('src/goals/x.ts', uses('../plans/plans.repository.js'))).to.have.length(1);
    // Deeper files and every feature folder are covered, read from src/ by the config.
    expect(await restrictedImports('src/sandbox/simulator/x.ts', uses('../../roster/roster.repository.js'))).to.have.length(1);
  });

  it("a feature's own tables, another feature's service and the db plumbing pass", async () => {
    expect(await restrictedImports('src/goals/x.ts', uses('./goals.tables.js', 'goals'))).to.deep.equal([]);
    expect(await restrictedImports('src/goals/x.ts', uses('../plans/plans.service.js'))).to.deep.equal([]);
    expect(await restrictedImports('src/db/x.ts', uses('../plans/plans.tables.js', 'plans'))).to.deep.equal([]);
    expect(await restrictedImports('test/integration/x.ts', uses('../../src/plans/plans.tables.js', 'plans'))).to.deep.equal([]);
  });

  it("a table may reference another feature's table (a foreign key), never a repository", async () => {
    expect(await restrictedImports('src/scores/x.tables.ts', uses('../platforms/platforms.tables.js', 'tenants'))).to.deep.equal([]);
    expect(await restrictedImports('src/scores/x.tables.ts', uses('../platforms/platforms.repository.js'))).to.have.length(1);
  });

  it('a service importing the web layer fails lint; the neutral modules pass', async () => {
    const web = await restrictedImports('src/goals/x.service.ts', uses('../web/context.js'));
    expect(web).to.have.length(1);
    expect(web[0]).to.contain('A service must not depend on the web layer');
    expect(await restrictedImports('src/lti/x.service.ts', uses('../web/views.js'))).to.have.length(1);
    for (const neutral of ['clock', 'errors', 'logger']) {
      expect(await restrictedImports('src/goals/x.service.ts', uses(`../web/${neutral}.js`)), neutral).to.deep.equal([]);
    }
    // Routes are the web side of a feature: they may use it.
    expect(await restrictedImports('src/goals/x.routes.ts', uses('../web/context.js'))).to.deep.equal([]);
  });

  it('a service still may not reach into another feature\'s data, and ltijs stays in src/lti/ltijs.ts', async () => {
    expect(await restrictedImports('src/goals/x.service.ts', uses('../plans/plans.tables.js', 'plans'))).to.have.length(1);
    expect(await restrictedImports('src/goals/x.ts', uses('ltijs', 'Provider'))).to.have.length(1);
  });

  it('the promise rules are on for source and tests, type-aware (checked on the computed config; no program is built)', async () => {
    const full = new ESLint({ cwd: process.cwd(), overrideConfigFile: '.ci/eslint.config.js' });
    for (const file of ['src/goals/goals.routes.ts', 'test/support/hooks.ts']) {
      const config = (await full.calculateConfigForFile(file)) as { rules: Record<string, unknown[]>; languageOptions: { parserOptions: { projectService?: unknown } } };
      expect(config.rules['@typescript-eslint/no-floating-promises']?.[0], file).to.equal(2);
      expect(config.rules['@typescript-eslint/no-misused-promises']?.[0], file).to.equal(2);
      expect(config.languageOptions.parserOptions.projectService, file).to.equal(true);
    }
  });
});
