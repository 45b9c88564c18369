import { randomUUID } from 'node:crypto';
import type { TestApp } from '../../support/app.js';
import { seedSchool, type SeededSchool } from '../../support/school.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import type { Person } from '../../../src/roster/roster.service.js';
import type { StaffRole } from '../../../src/auth/user.js';

const LIS = 'http://purl.imsglobal.org/vocab/lis/v2/membership#';

export interface AlertSchool extends SeededSchool {
  counsellor: Person;
  coordinator: Person;
}

/** seedSchool with e-mail addresses for its adults, a counsellor and a coordinator (teaching the other course). */
export async function seedAlertSchool(t: TestApp): Promise<AlertSchool> {
  const s = await seedSchool(t.ctx);
  const u = randomUUID().slice(0, 8);
  const withEmail = (p: Person, email: string) => t.ctx.roster.upsertPerson(s.tenantId, { sub: p.sub, name: p.name, email });
  await withEmail(s.advisor, `advisor-${u}@school.example`);
  await withEmail(s.otherAdvisor, `other-${u}@school.example`);
  const staff = async (sub: string, name: string, role: StaffRole) => {
    const p = await t.ctx.roster.upsertPerson(s.tenantId, { sub: `${sub}-${u}`, name, email: `${sub}-${u}@school.example` });
    await t.ctx.roster.upsertMembership(s.tenantId, { contextId: s.otherCourseId, personId: p.id, role: 'advisor', roles: [`${LIS}Instructor`], mentees: [] });
    await setStaffGrant(t.ctx.db, s.tenantId, p.id, { role, schoolId: null }, true);
    return p;
  };
  const counsellor = await staff('counsellor', `Cara Counsellor ${u}`, 'counsellor');
  const coordinator = await staff('coordinator', `Cole Coordinator ${u}`, 'coordinator');
  return { ...s, counsellor, coordinator };
}
