/**
 * A class's current score per student from OneRoster gradebook results.
 *
 * OneRoster carries results (one score per student per line item) but no course grade: the SIS's own
 * weighting (categories, grading-period weights, drops) is not in the feed, and category weights and
 * line-item weights are optional and filled in unevenly by SIS vendors. So the current score is the
 * unweighted mean of each graded result as a percentage of its line item's `resultValueMax`: the one
 * estimate every conforming feed supports, on the same 0-100 scale as Canvas's and Schoology's scores.
 * Like Canvas's current score, work not graded yet is left out rather than counted as zero (a result
 * with no score, 'not submitted' or 'exempt', a deleted result or line item, a line item whose
 * maximum is not positive); a zero the teacher did enter counts as zero.
 */

export interface ScoreLineItem {
  sourcedId: string;
  status: string;
  resultValueMax?: number | null;
}

export interface ScoreResult {
  lineItemSourcedId: string;
  studentSourcedId: string;
  status: string;
  scoreStatus?: string | null;
  score?: number | null;
  late?: boolean;
  missing?: boolean;
}

export interface StudentClassScore {
  /** Percent (0-100, above 100 with extra credit); null when nothing is graded yet. */
  currentScore: number | null;
  gradedCount: number;
  missingCount: number;
  lateCount: number;
}

const UNGRADED = new Set(['not submitted', 'exempt']);

export function classScores(lineItems: ScoreLineItem[], results: ScoreResult[]): Map<string, StudentClassScore> {
  const items = new Map(lineItems.filter((l) => l.status !== 'tobedeleted').map((l) => [l.sourcedId, l]));
  const acc = new Map<string, { sum: number; graded: number; missing: number; late: number }>();
  for (const r of results) {
    if (r.status === 'tobedeleted') continue;
    const item = items.get(r.lineItemSourcedId);
    if (!item) continue;
    const a = acc.get(r.studentSourcedId) ?? { sum: 0, graded: 0, missing: 0, late: 0 };
    acc.set(r.studentSourcedId, a);
    if (r.missing) a.missing += 1;
    if (r.late) a.late += 1;
    const max = item.resultValueMax;
    if (typeof r.score !== 'number' || !Number.isFinite(r.score) || (r.scoreStatus && UNGRADED.has(r.scoreStatus))) continue;
    if (typeof max !== 'number' || !(max > 0)) continue;
    a.sum += (r.score / max) * 100;
    a.graded += 1;
  }
  const out = new Map<string, StudentClassScore>();
  for (const [student, a] of acc) {
    out.set(student, {
      currentScore: a.graded ? Math.round((a.sum / a.graded) * 100) / 100 : null,
      gradedCount: a.graded,
      missingCount: a.missing,
      lateCount: a.late,
    });
  }
  return out;
}
