import { ROLE, type Simulator } from './simulator/index.js';
import { admin, advisory9A, advisory9B, counselor, guardians, leader, subjectCourse, undecidedCourse, type SampleAdult } from './sample-school.data.js';

/** The LMS side of the sample school. Stable ids, so restarts reuse the tenant's rows. */
export const ADVISORIES = [advisory9A, advisory9B];
export const ADVISORY = advisory9A;
export const SUBJECT = subjectCourse;
export const UNDECIDED = undecidedCourse;
/**
 * Where the sample school is: far enough from UTC that an evening there is already tomorrow in UTC,
 * so the sandbox shows days counted in the school's zone. Everyone's LMS profile carries it (Canvas
 * sends it with each launch as $Person.address.timezone).
 */
export const SCHOOL_TIME_ZONE = 'America/Los_Angeles';
/** Every course, with the custom parameter its placement sends (advisory, subject course, or none: undecided). */
export const COURSES: { id: string; label: string; title: string; custom: Record<string, string> }[] = [
  ...ADVISORIES.map((a) => ({ id: a.id, label: a.label, title: a.title, custom: { advisory: 'true' } })),
  { id: SUBJECT.id, label: SUBJECT.label, title: SUBJECT.title, custom: { advisory: 'false' } },
  { id: UNDECIDED.id, label: UNDECIDED.label, title: UNDECIDED.title, custom: {} },
];

const fold = (s: string) => s.toLowerCase().normalize('NFD').replace(/[\u0300-\u036f]/g, '');
export const studentSub = (given: string, family: string) => `sandbox-student-${fold(given)}-${fold(family)}`.replace(/[^a-z0-9-]/g, '');
const email = (given: string, family: string) => `${fold(given)}.${fold(family)}`.replace(/[^a-z.]/g, '') + '@sandbox.example.edu';
const nameOf = (a: { givenName: string; familyName: string }) => `${a.givenName} ${a.familyName}`;

/** Every student's LMS id by display name (the data file names students, the LMS knows subs). */
export const studentSubs = new Map(ADVISORIES.flatMap((a) => a.students.map((s) => [nameOf(s), studentSub(s.givenName, s.familyName)] as const)));
/** Every student's SIS id (the LMS profile's sourcedId, lis_person_sourcedid at launch and in NRPS), by LMS id: SIS-1001 onwards. */
export const studentSisIds = new Map(ADVISORIES.flatMap((a) => a.students).map((s, i) => [studentSub(s.givenName, s.familyName), `SIS-${1001 + i}`] as const));
const subOfStudent = (name: string) => {
  const sub = studentSubs.get(name);
  if (!sub) throw new Error(`sample school: no student named ${name}`);
  return sub;
};

const firstStudent = ADVISORY.students[0]!;
const firstGuardian = guardians[0]!;
export const people = {
  teacher: ADVISORY.advisor.sub,
  secondAdvisor: advisory9B.advisor.sub,
  subjectTeacher: SUBJECT.teacher.sub,
  student: studentSub(firstStudent.givenName, firstStudent.familyName),
  parent: firstGuardian.sub,
  admin: admin.sub,
  counselor: counselor.sub,
  leader: leader.sub,
};

export function seedSampleSchool(sim: Simulator): void {
  const addAdult = (a: SampleAdult, roles: string[]) =>
    sim.addUser({ sub: a.sub, name: nameOf(a), givenName: a.givenName, familyName: a.familyName, email: email(a.givenName, a.familyName), roles, timeZone: SCHOOL_TIME_ZONE });
  for (const c of COURSES) sim.addCourse(c);
  for (const a of ADVISORIES) {
    addAdult(a.advisor, [ROLE.institutionFaculty]);
    sim.enroll(a.id, a.advisor.sub, [ROLE.instructor]);
    for (const s of a.students) {
      const sub = studentSub(s.givenName, s.familyName);
      sim.addUser({ sub, name: nameOf(s), givenName: s.givenName, familyName: s.familyName, email: email(s.givenName, s.familyName), roles: [ROLE.institutionStudent], sourcedId: studentSisIds.get(sub), timeZone: SCHOOL_TIME_ZONE });
      sim.enroll(a.id, sub, [ROLE.learner]);
    }
  }
  addAdult(counselor, [ROLE.institutionFaculty]);
  sim.enroll(ADVISORY.id, counselor.sub, [ROLE.teachingAssistant]);
  addAdult(SUBJECT.teacher, [ROLE.institutionFaculty]);
  sim.enroll(SUBJECT.id, SUBJECT.teacher.sub, [ROLE.instructor]);
  for (const name of SUBJECT.students) sim.enroll(SUBJECT.id, subOfStudent(name), [ROLE.learner]);
  sim.enroll(UNDECIDED.id, SUBJECT.teacher.sub, [ROLE.instructor]);
  for (const name of UNDECIDED.students) sim.enroll(UNDECIDED.id, subOfStudent(name), [ROLE.learner]);
  for (const g of guardians) {
    addAdult(g, []);
    sim.enroll(g.advisory, g.sub, [ROLE.mentor], { mentees: g.children.map(subOfStudent) });
  }
  addAdult(admin, [ROLE.institutionAdmin]);
  // A staff member of the school, not an LMS admin: the tool knows her as a leader from the grant on /admin/staff.
  addAdult(leader, [ROLE.institutionFaculty]);
}

/** The home page's "Launch as …" links: one per seat worth trying, each from its own course (null: the account's navigation). */
export const launchers: readonly { role: string; sub: string; course: string | null; label: string; who: string }[] = [
  { role: 'teacher', sub: people.teacher, course: ADVISORY.id, label: 'Launch as teacher', who: `${nameOf(ADVISORY.advisor)}, advisor of ${ADVISORY.title}` },
  { role: 'second-advisor', sub: people.secondAdvisor, course: advisory9B.id, label: 'Launch as second advisor', who: `${nameOf(advisory9B.advisor)}, advisor of ${advisory9B.title}` },
  { role: 'subject-teacher', sub: people.subjectTeacher, course: SUBJECT.id, label: 'Launch as subject teacher', who: `${nameOf(SUBJECT.teacher)}, teacher of ${SUBJECT.title}` },
  { role: 'undecided-teacher', sub: people.subjectTeacher, course: UNDECIDED.id, label: 'Launch as teacher of an undecided course', who: `${nameOf(SUBJECT.teacher)}, teacher of ${UNDECIDED.title} (not yet marked advisory or subject course)` },
  { role: 'student', sub: people.student, course: ADVISORY.id, label: 'Launch as student', who: `${nameOf(firstStudent)}, a student in ${ADVISORY.title}` },
  { role: 'parent', sub: people.parent, course: firstGuardian.advisory, label: 'Launch as parent', who: `${nameOf(firstGuardian)}, parent of ${firstGuardian.children.join(', ')}` },
  { role: 'counselor', sub: people.counselor, course: ADVISORY.id, label: 'Launch as counselor', who: `${nameOf(counselor)}, school counselor and support coordinator (staff roles given on /admin/staff)` },
  { role: 'admin', sub: people.admin, course: ADVISORY.id, label: 'Launch as admin', who: `${nameOf(admin)}, account administrator` },
  { role: 'school-leader', sub: people.leader, course: null, label: 'Launch as school leader (account)', who: `${nameOf(leader)}, principal of Lincoln High School, from the account's navigation with no course` },
];
