import { expect } from 'chai';
import { auditActions } from '../../../src/audit/audit.service.js';
import { hasText } from '../../../src/web/i18n.js';
import { toolRoles } from '../../../src/auth/user.js';
import { planActions } from '../../../src/policies/plan.js';
import { goalActions } from '../../../src/policies/goal.js';
import { checkinActions } from '../../../src/policies/checkin.js';
import { caseloadActions, navigatorActions } from '../../../src/policies/caseload.js';
import { courseActions } from '../../../src/policies/course.js';

/** The audit page shows stored codes in words: every code the tool writes has its text. */
describe('audit labels', () => {
  it('every action and role', () => {
    for (const a of auditActions) expect(hasText(`audit.actions.${a}`), a).to.equal(true);
    for (const r of [...toolRoles, 'system']) expect(hasText(`audit.roles.${r}`), r).to.equal(true);
  });
  it('every policy action a denial can name', () => {
    for (const a of [...planActions, ...goalActions, ...checkinActions, ...caseloadActions, ...navigatorActions, ...courseActions, 'open']) expect(hasText(`audit.attempts.${a}`), a).to.equal(true);
  });
  it('every entity the services write', async () => {
    const { readFileSync, readdirSync } = await import('node:fs');
    const files = readdirSync('src', { recursive: true, encoding: 'utf8' }).filter((f) => f.endsWith('.service.ts'));
    const entities = new Set(files.flatMap((f) => [...readFileSync(`src/${f}`, 'utf8').matchAll(/entity: '([a-z_-]+)'/g)].map((m) => m[1]!)));
    expect(entities.size).to.be.greaterThan(10);
    for (const e of entities) expect(hasText(`audit.entities.${e}`), e).to.equal(true);
  });
});
