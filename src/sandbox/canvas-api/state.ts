import type { Clock } from '../../web/clock.js';

/**
 * The state behind the simulated Canvas REST API. Ids are Canvas's local ids (numeric strings),
 * as the REST API returns them; Live Events carry global ids (shard * 10^13 + local id).
 */
export interface CanvasAccount {
  id: string;
  name: string;
  parentAccountId: string | null;
}

export interface CanvasUser {
  id: string;
  name: string;
  sortableName?: string;
  /** Visible to account admins with the "read SIS data" permission (our admin tokens). */
  sisUserId: string | null;
  loginId?: string;
}

export interface CanvasCourse {
  id: string;
  accountId: string;
  name: string;
  courseCode: string;
  sisCourseId: string | null;
  /** unpublished = 'unpublished', published = 'available', concluded = 'completed', deleted = 'deleted'. */
  workflowState: 'unpublished' | 'available' | 'completed' | 'deleted';
  enrollmentTermId: string;
}

export interface CanvasGrades {
  current_score: number | null;
  final_score: number | null;
  current_grade: string | null;
  final_grade: string | null;
}

/**
 * A grading period of a course (Canvas keeps them in a grading period set of the account or course;
 * one set per course here). An assignment belongs to the period its due date falls in; one without a
 * due date to the last period (Canvas's rule).
 */
export interface CanvasGradingPeriod {
  id: string;
  courseId: string;
  title: string;
  startDate: string;
  endDate: string;
}

export interface CanvasEnrollment {
  id: string;
  courseId: string;
  sectionId: string;
  userId: string;
  type: 'StudentEnrollment' | 'TeacherEnrollment' | 'TaEnrollment' | 'ObserverEnrollment' | 'DesignerEnrollment';
  state: 'active' | 'invited' | 'inactive' | 'completed' | 'deleted' | 'rejected';
  /** Set by hand (setGrades) or computed from the course's graded submissions. */
  grades: CanvasGrades;
  /** Per grading period of the course (by period id), computed like `grades` from that period's assignments. */
  periodGrades: Record<string, CanvasGrades>;
  createdAt: string;
  updatedAt: string;
}

export interface CanvasAssignment {
  id: string;
  courseId: string;
  name: string;
  pointsPossible: number;
  dueAt: string | null;
}

export interface CanvasSubmission {
  id: string;
  assignmentId: string;
  userId: string;
  score: number | null;
  grade: string | null;
  /** 'unsubmitted' | 'submitted' | 'graded' | 'pending_review' */
  workflowState: 'unsubmitted' | 'submitted' | 'graded' | 'pending_review';
  submittedAt: string | null;
  gradedAt: string | null;
  late: boolean;
  missing: boolean;
  excused: boolean;
  updatedAt: string;
}

export interface CanvasToken {
  token: string;
  userId: string;
  /** Account admin: may list account courses and every enrollment, and read SIS ids. */
  admin: boolean;
  expiresAt: Date | null;
  revoked: boolean;
  /** Expires after this many more accepted requests (a token that runs out part-way through a sync). */
  requestsLeft?: number;
}

/** Canvas's leaky bucket (throttling.md): cost per request, pre-flight penalty while running. */
export interface RateLimitSettings {
  highWaterMark: number;
  /** Quota replenished per second. */
  outflowPerSecond: number;
  /** Deducted up front while a request runs, credited back at its end. */
  preflightPenalty: number;
  /** What one request costs once done (Canvas: roughly its processing time). */
  costPerRequest: number;
}

export interface RecordedCanvasRequest {
  method: string;
  path: string;
  status: number;
  userAgent: string | undefined;
  remaining: number;
}

/** Letter grades from Canvas's default grading scheme. */
const DEFAULT_SCHEME: [number, string][] = [
  [94, 'A'], [90, 'A-'], [87, 'B+'], [84, 'B'], [80, 'B-'], [77, 'C+'], [74, 'C'], [70, 'C-'], [67, 'D+'], [64, 'D'], [61, 'D-'], [0, 'F'],
];

export function letterGrade(score: number | null): string | null {
  if (score === null) return null;
  for (const [min, letter] of DEFAULT_SCHEME) if (score >= min) return letter;
  return 'F';
}

export class CanvasState {
  accounts = new Map<string, CanvasAccount>();
  users = new Map<string, CanvasUser>();
  courses = new Map<string, CanvasCourse>();
  enrollments: CanvasEnrollment[] = [];
  assignments: CanvasAssignment[] = [];
  submissions: CanvasSubmission[] = [];
  gradingPeriods: CanvasGradingPeriod[] = [];
  tokens = new Map<string, CanvasToken>();
  requests: RecordedCanvasRequest[] = [];
  /** Courses whose grades were set by hand: not recomputed from submissions. */
  manualGrades = new Set<string>();
  /** Makes the next `times` API calls answer 503 (a Canvas outage). */
  outages = 0;
  requireUserAgent = true;
  /** Course analytics (student summaries) on for the account; off = 404, as where the feature is disabled. */
  analyticsEnabled = true;

  rate: RateLimitSettings = { highWaterMark: 700, outflowPerSecond: 10, preflightPenalty: 50, costPerRequest: 1 };
  /** Per token: bucket level and when it was last drained. */
  buckets = new Map<string, { level: number; at: number }>();

  private seq = 100;
  constructor(
    readonly baseUrl: string,
    readonly clock: Clock,
    /** Canvas global ids in Live Events are shardId * 10^13 + local id. */
    readonly shardId: number,
  ) {}

  next(): string {
    return String(++this.seq);
  }

  now(): string {
    return this.clock.now().toISOString().replace(/\.\d{3}Z$/, 'Z');
  }

  globalId(localId: string): string {
    return (BigInt(this.shardId) * 10_000_000_000_000n + BigInt(localId)).toString();
  }

  /** The account and every sub-account below it. */
  accountTree(accountId: string): Set<string> {
    const ids = new Set([accountId]);
    let grew = true;
    while (grew) {
      grew = false;
      for (const a of this.accounts.values()) {
        if (a.parentAccountId && ids.has(a.parentAccountId) && !ids.has(a.id)) {
          ids.add(a.id);
          grew = true;
        }
      }
    }
    return ids;
  }

  /** The course's grading periods, by start. */
  periodsOf(courseId: string): CanvasGradingPeriod[] {
    return this.gradingPeriods.filter((p) => p.courseId === courseId).sort((a, b) => a.startDate.localeCompare(b.startDate));
  }

  /** The period that holds now (none between periods, or in a course without them). */
  currentPeriod(courseId: string): CanvasGradingPeriod | undefined {
    const now = this.clock.now().getTime();
    return this.periodsOf(courseId).find((p) => Date.parse(p.startDate) <= now && now < Date.parse(p.endDate));
  }

  /** The period an assignment counts in: the one its due date falls in; no due date, the last one. */
  periodOf(a: CanvasAssignment): CanvasGradingPeriod | undefined {
    const periods = this.periodsOf(a.courseId);
    if (!a.dueAt) return periods.at(-1);
    const due = Date.parse(a.dueAt);
    return periods.find((p) => Date.parse(p.startDate) <= due && due < Date.parse(p.endDate));
  }

  /** Current score counts graded work only; final score counts ungraded/missing work as zero. */
  recompute(courseId: string): void {
    if (this.manualGrades.has(courseId)) return;
    const assignments = this.assignments.filter((a) => a.courseId === courseId);
    const periods = this.periodsOf(courseId);
    for (const e of this.enrollments) {
      if (e.courseId !== courseId || e.type !== 'StudentEnrollment') continue;
      e.grades = this.gradesOf(assignments, e.userId);
      e.periodGrades = Object.fromEntries(periods.map((p) => [p.id, this.gradesOf(assignments.filter((a) => this.periodOf(a)?.id === p.id), e.userId)]));
      e.updatedAt = this.now();
    }
  }

  private gradesOf(assignments: CanvasAssignment[], userId: string): CanvasGrades {
    let earned = 0;
    let gradedPossible = 0;
    let allPossible = 0;
    for (const a of assignments) {
      const s = this.submissions.find((x) => x.assignmentId === a.id && x.userId === userId);
      if (s?.excused) continue;
      allPossible += a.pointsPossible;
      if (s && s.score !== null && s.workflowState === 'graded') {
        earned += s.score;
        gradedPossible += a.pointsPossible;
      }
    }
    const round = (n: number) => Math.round(n * 100) / 100;
    const current = gradedPossible > 0 ? round((earned / gradedPossible) * 100) : null;
    const final = allPossible > 0 ? round((earned / allPossible) * 100) : null;
    return { current_score: current, final_score: final, current_grade: letterGrade(current), final_grade: letterGrade(final) };
  }
}
