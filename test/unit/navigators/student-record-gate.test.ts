import { expect } from 'chai';
import { createStudentRecordGate } from '../../../src/navigators/student-record.js';
import { planPolicy } from '../../../src/policies/plan.js';
import { goalPolicy } from '../../../src/policies/goal.js';
import type { AppUser } from '../../../src/auth/user.js';
import type { Person } from '../../../src/roster/roster.service.js';
import type { StudentScope } from '../../../src/policies/student-record.js';
import { HttpError } from '../../../src/web/errors.js';

const tenantId = '00000000-0000-4000-8000-000000000001';
const studentId = '00000000-0000-4000-8000-0000000000aa';
const user = (personId: string, role: AppUser['role']): AppUser => ({ tenantId, personId, name: '', role, contextId: null, contextTitle: '', contextKind: null, menteeIds: [], locale: 'en' });

/** A page of several parts opens the record once; the record is no pass for anyone else. */
describe('the student record gate reopening a record', () => {
  let reads = 0;
  const scope: StudentScope = { tenantId, studentId, navigatorIds: [], advisorIds: [], teacherIds: [], mentorIds: [], schoolIds: [] };
  const gate = createStudentRecordGate(
    {
      findPerson: async () => {
        reads++;
        return { id: studentId, tenantId, name: 'S' } as Person;
      },
    },
    { scopeOf: async () => scope },
  );

  it('the same user reopening the record it was given reads nothing again, and each policy still decides', async () => {
    const student = user(studentId, 'student');
    reads = 0;
    const record = await gate.open(student, studentId, planPolicy, 'view');
    expect(await gate.open(student, record, goalPolicy, 'list')).to.equal(record);
    expect(reads).to.equal(1);
  });

  it("another user's record object is not a way in: it is looked up as an id, and refused", async () => {
    const student = user(studentId, 'student');
    const record = await gate.open(student, studentId, planPolicy, 'view');
    const stranger = user('00000000-0000-4000-8000-0000000000bb', 'student');
    let refused: unknown;
    await gate.open(stranger, record, planPolicy, 'view').catch((e: unknown) => (refused = e));
    expect(refused).to.be.instanceOf(HttpError);
    expect((refused as HttpError).status).to.equal(404);
  });
});
