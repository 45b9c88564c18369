/** What the simulated Schoology school remembers: in memory, per simulator. */

export interface SgyUser {
  id: number;
  /** The SIS id the district loads into Schoology (the connector matches people on it). */
  schoolUid: string;
  nameFirst: string;
  nameLast: string;
  role: 'student' | 'teacher' | 'admin';
}

export interface SgyGradingPeriod {
  id: number;
  title: string;
  /** YYYY-MM-DD */
  start: string;
  end: string;
}

export interface SgyCourse {
  id: number;
  title: string;
  courseCode: string;
}

export interface SgySection {
  id: number;
  courseId: number;
  sectionTitle: string;
  sectionCode: string;
  gradingPeriods: number[];
  active: boolean;
}

/** Schoology's enrollment status: 1 active, 2 expired, 3 invite pending, 4 request pending, 5 archived. */
export type SgyEnrollmentStatus = 1 | 2 | 3 | 4 | 5;

export interface SgyEnrollment {
  id: number;
  sectionId: number;
  uid: number;
  admin: boolean;
  status: SgyEnrollmentStatus;
}

/** A student's calculated grade for one grading period of a section (the gradebook's period column). */
export interface SgyPeriodGrade {
  enrollmentId: number;
  periodId: number;
  grade: number | null;
  /** Unix seconds of the last change, what `?timestamp=` filters on. */
  timestamp: number;
}

/** One assignment grade, listed under `grades.grade` beside the period grades. */
export interface SgyAssignmentGrade {
  enrollmentId: number;
  assignmentId: number;
  periodId: number;
  grade: number | null;
  maxPoints: number;
  /** 0 none, 1 excused, 2 incomplete, 3 missing */
  exception: 0 | 1 | 2 | 3;
  timestamp: number;
}

export interface SgyFault {
  status: number;
  times: number;
  retryAfterSeconds?: number;
  /** Only requests whose path contains this. */
  pathIncludes?: string;
}

export interface SgyRequest {
  method: string;
  path: string;
  status: number;
  /** Why a request was refused (an OAuth refusal, 'rate_limited', 'fault'), if it was. */
  refusal?: string;
  at: number;
}

export class SgyState {
  users = new Map<number, SgyUser>();
  gradingPeriods = new Map<number, SgyGradingPeriod>();
  courses = new Map<number, SgyCourse>();
  sections = new Map<number, SgySection>();
  enrollments: SgyEnrollment[] = [];
  periodGrades: SgyPeriodGrade[] = [];
  assignmentGrades: SgyAssignmentGrade[] = [];
  faults: SgyFault[] = [];
  requests: SgyRequest[] = [];
  private seq = 0;

  constructor(private readonly firstId: number) {}

  /** Schoology ids are large integers; each kind gets its own range so a mix-up shows. */
  nextId(kind: 'user' | 'period' | 'course' | 'section' | 'enrollment' | 'assignment'): number {
    const base = { user: 1, period: 2, course: 3, section: 4, enrollment: 5, assignment: 6 }[kind];
    return base * this.firstId + ++this.seq;
  }

  enrollmentOf(sectionId: number, uid: number): SgyEnrollment | undefined {
    return this.enrollments.find((e) => e.sectionId === sectionId && e.uid === uid);
  }

  takeFault(path: string): SgyFault | undefined {
    const f = this.faults.find((x) => x.times > 0 && (!x.pathIncludes || path.includes(x.pathIncludes)));
    if (!f) return undefined;
    f.times -= 1;
    if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }
}
