import type { SchoologyEnrollment, SchoologyFinalGrade, SchoologySection } from './schoology.client.js';

/** One student's calculated grade in one section for one grading period, as Schoology's gradebook shows it. */
export interface SchoologyPeriodScore {
  /** Schoology user id (the identity's external id). */
  uid: string;
  /** The SIS id the district loaded into Schoology, matched against people.sis_id. */
  schoolUid: string;
  /** Schoology's display name, shown to admins only in the review queue. */
  label: string;
  sectionId: string;
  courseTitle: string;
  /** The grading period id (Schoology writes it `p<id>` in grade lists). */
  periodId: string;
  currentScore: number;
}

const PERIOD = /^p(\d+)$/;

function numeric(grade: number | string | null | undefined): number | null {
  if (grade === null || grade === undefined || grade === '') return null;
  const n = typeof grade === 'number' ? grade : Number(grade);
  return Number.isFinite(n) ? n : null;
}

/**
 * A section's period grades for its active student enrollments. Left out: teachers and other admins
 * of the section, enrollments not active (expired, pending, archived), the `final` column (the whole
 * course, not a grading period) and other non-period columns, periods the section is not in, and
 * grades not given yet or not numeric (a letter with no points behind it).
 */
export function periodScores(section: SchoologySection, enrollments: SchoologyEnrollment[], grades: SchoologyFinalGrade[]): SchoologyPeriodScore[] {
  const students = new Map(enrollments.filter((e) => !e.admin && e.status === 1).map((e) => [e.id, e]));
  const periods = new Set(section.grading_periods);
  const courseTitle = [section.course_title, section.section_title].filter(Boolean).join(': ');
  const out: SchoologyPeriodScore[] = [];
  for (const g of grades) {
    const e = students.get(g.enrollment_id);
    if (!e) continue;
    for (const p of g.period) {
      const m = PERIOD.exec(p.period_id);
      if (!m || (periods.size && !periods.has(m[1]))) continue;
      const score = numeric(p.grade);
      if (score === null) continue;
      out.push({ uid: e.uid, schoolUid: e.school_uid ?? '', label: e.name_display ?? '', sectionId: section.id, courseTitle, periodId: m[1], currentScore: score });
    }
  }
  return out;
}
