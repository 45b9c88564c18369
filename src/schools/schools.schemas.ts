import { z } from 'zod';
import { formText, isoDate } from '../web/forms.js';

const name = formText(200, 'schools.form.tooLong', { min: 1, message: 'schools.form.nameRequired' });
const id = (message: string) => z.uuid(message);

/** Add a school, or rename one. */
export const schoolNameForm = z.object({ name });
export type SchoolNameForm = z.infer<typeof schoolNameForm>;

/** Place a course in a school (an admin's placement stands against the LMS's and the SIS's). */
export const courseSchoolForm = z.object({ contextId: id('schools.form.courseRequired'), schoolId: id('schools.form.schoolRequired') });
export type CourseSchoolForm = z.infer<typeof courseSchoolForm>;

/** OneRoster's grade codes (and what a school might type): KG, PK, 01..13, or other short codes. */
export const gradeLevel = z
  .string()
  .trim()
  .max(8, 'schools.form.badGrade')
  .regex(/^[A-Za-z0-9]*$/, 'schools.form.badGrade');

/** The move form's student search: a name (part of one), and the student chosen from the matches. */
export const moveSearch = z.object({
  q: z.string().trim().max(100).catch(''),
  student: z.uuid().or(z.literal('')).catch(''),
});
export type MoveSearch = z.infer<typeof moveSearch>;

/** Move a student to another school from a day (their grade there, blank = as it was). */
export const moveForm = z.object({
  studentId: id('schools.form.studentRequired'),
  schoolId: id('schools.form.schoolRequired'),
  day: isoDate,
  gradeLevel: gradeLevel.default(''),
});
export type MoveForm = z.infer<typeof moveForm>;
