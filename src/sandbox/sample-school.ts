import { ROLE, type Simulator } from './simulator/index.js';

/** A small, realistic school for newcomers to launch into. Stable ids, so restarts reuse the tenant's rows. */
// The advisory's placement says so (custom parameter); the subject courses are left for their teachers to confirm.
export const ADVISORY = { id: 'sandbox-adv-10b', label: 'ADV-10B', title: 'Advisory 10B', custom: { advisory: 'true' } };

const teacher = { sub: 'sandbox-teacher-rivera', name: 'Elena Rivera', givenName: 'Elena', familyName: 'Rivera' };
const students: [string, string][] = [
  ['Amara', 'Okafor'], ['Liam', 'Nguyen'], ['Sofia', 'Hernández'], ['Noah', 'Patel'], ['Zoe', 'Kim'], ['Mateo', 'García'],
  ['Ava', 'Thompson'], ['Ethan', 'Brooks'], ['Maya', 'Chen'], ['Jackson', 'Lee'], ['Isabella', 'Rossi'], ['Owen', 'Walsh'],
];
const parent = { sub: 'sandbox-parent-okafor', name: 'Grace Okafor', givenName: 'Grace', familyName: 'Okafor' };
const admin = { sub: 'sandbox-admin-whitfield', name: 'Dana Whitfield', givenName: 'Dana', familyName: 'Whitfield' };
const academic = [
  { id: 'sandbox-alg1', label: 'ALG1-3', title: 'Algebra I', teacher: { sub: 'sandbox-teacher-park', name: 'Daniel Park', givenName: 'Daniel', familyName: 'Park' } },
  { id: 'sandbox-bio', label: 'BIO-2', title: 'Biology', teacher: { sub: 'sandbox-teacher-shah', name: 'Priya Shah', givenName: 'Priya', familyName: 'Shah' } },
  { id: 'sandbox-eng10', label: 'ENG10-1', title: 'English 10', teacher: { sub: 'sandbox-teacher-bennett', name: 'Laura Bennett', givenName: 'Laura', familyName: 'Bennett' } },
];

const studentSub = (given: string, family: string) => `sandbox-student-${given}-${family}`.toLowerCase().normalize('NFD').replace(/[^a-z0-9-]/g, '');
const email = (given: string, family: string) => `${given}.${family}`.toLowerCase().normalize('NFD').replace(/[^a-z.]/g, '') + '@sandbox.example.edu';

export const people = {
  teacher: teacher.sub,
  student: studentSub(...students[0]),
  parent: parent.sub,
  admin: admin.sub,
};

export function seedSampleSchool(sim: Simulator): void {
  sim.addCourse(ADVISORY);
  sim.addUser({ ...teacher, email: email(teacher.givenName, teacher.familyName), roles: [ROLE.institutionFaculty] });
  sim.enroll(ADVISORY.id, teacher.sub, [ROLE.instructor]);
  const subs = students.map(([given, family], i) => {
    const sub = studentSub(given, family);
    sim.addUser({ sub, name: `${given} ${family}`, givenName: given, familyName: family, email: email(given, family), roles: [ROLE.institutionStudent], sourcedId: `SIS-${1001 + i}` });
    sim.enroll(ADVISORY.id, sub, [ROLE.learner]);
    return sub;
  });
  sim.addUser({ ...parent, email: email(parent.givenName, parent.familyName), roles: [] });
  sim.enroll(ADVISORY.id, parent.sub, [ROLE.mentor], { mentees: [people.student] });
  sim.addUser({ ...admin, email: email(admin.givenName, admin.familyName), roles: [ROLE.institutionAdmin] });
  academic.forEach((c, n) => {
    sim.addCourse({ id: c.id, label: c.label, title: c.title });
    sim.addUser({ ...c.teacher, email: email(c.teacher.givenName, c.teacher.familyName), roles: [ROLE.institutionFaculty] });
    sim.enroll(c.id, c.teacher.sub, [ROLE.instructor]);
    // Overlapping sections, as in a real timetable.
    subs.filter((_, i) => (i + n) % 3 !== 0).forEach((sub) => sim.enroll(c.id, sub, [ROLE.learner]));
  });
}

export const launchers = [
  { role: 'teacher', sub: people.teacher, label: 'Launch as teacher', who: `${teacher.name}, advisor of ${ADVISORY.title}` },
  { role: 'student', sub: people.student, label: 'Launch as student', who: `${students[0].join(' ')}, a student in ${ADVISORY.title}` },
  { role: 'parent', sub: people.parent, label: 'Launch as parent', who: `${parent.name}, parent of ${students[0][0]}` },
  { role: 'admin', sub: people.admin, label: 'Launch as admin', who: `${admin.name}, account administrator` },
] as const;
