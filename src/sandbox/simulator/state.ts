import type { Clock } from '../../web/clock.js';
import type { Profile } from './profiles.js';

/** A tool the simulated LMS knows (a Canvas developer key / a Schoology app). */
export interface SimTool {
  clientId: string;
  /** Schoology puts a tool id in service URLs; Canvas does not use it. */
  toolId: string;
  name: string;
  initiateLoginUri: string;
  redirectUris: string[];
  jwksUri: string;
  targetLinkUri: string;
  scopes: string[];
  deploymentIds: string[];
  /** Canvas privacy level: what personal claims launches and NRPS carry. */
  privacyLevel: 'public' | 'name_only' | 'email_only' | 'anonymous';
  placements: string[];
  /** Custom parameters of the registration (Canvas's custom_fields), `$Variable`s substituted at each launch. */
  customParameters?: Record<string, string>;
}

export interface SimUser {
  sub: string;
  name: string;
  givenName?: string;
  familyName?: string;
  email?: string;
  /** Institution/system roles (full LIS URIs), sent on every launch. */
  roles: string[];
  sourcedId?: string;
  /** The user's time zone setting (Canvas's $Person.address.timezone). */
  timeZone?: string;
  /** The user's id in the LMS's own REST API (Canvas's $Canvas.user.id). */
  lmsUserId?: string;
}

export interface SimCourse {
  id: string;
  label: string;
  title: string;
  /** Custom parameters of the tool's placement in this course, sent in every launch's custom claim. */
  custom?: Record<string, string>;
  /** The course's building (Schoology's `$com.schoology.Context.Building.id`). */
  buildingId?: string;
  /** The course's SIS id (a OneRoster class sourcedId), sent as lis course_section_sourcedid. */
  sisId?: string;
}

export interface SimEnrollment {
  courseId: string;
  sub: string;
  roles: string[];
  mentees: string[];
}

export interface SimLineItem {
  id: string;
  courseId: string;
  /** The tool that owns it; null = an ordinary LMS assignment, invisible to every tool. */
  clientId: string | null;
  label: string;
  scoreMaximum: number;
  resourceId?: string;
  resourceLinkId?: string;
  tag?: string;
  startDateTime?: string;
  endDateTime?: string;
}

export interface SimResult {
  lineItemId: string;
  userId: string;
  resultScore?: number;
  resultMaximum?: number;
  comment?: string;
  timestamp: string;
}

export interface RecordedScore {
  clientId: string;
  courseId: string;
  lineItemId: string;
  score: Record<string, unknown>;
  at: Date;
}

export interface RecordedTokenRequest {
  clientId: string | null;
  requestedScopes: string[];
  grantedScopes: string[];
  ok: boolean;
  error?: string;
  at: Date;
}

export interface RecordedDeepLinkResponse {
  clientId: string;
  courseId: string;
  deploymentId: string;
  contentItems: Record<string, unknown>[];
  data?: unknown;
  msg?: string;
  claims: Record<string, unknown>;
}

export interface RecordedRegistration {
  clientId: string;
  body: Record<string, unknown>;
  placements: string[];
  privacyLevel: SimTool['privacyLevel'];
}

export type ServiceName = 'token' | 'nrps' | 'ags';

/** Makes the next `times` calls to a service answer `status` (retry and "not granted" tests). */
export interface Fault {
  service: ServiceName | 'any';
  status: number;
  times: number;
  retryAfterSeconds?: number;
  /** Only calls whose URL path contains this (one line item's results, say). */
  pathIncludes?: string;
}

/** Makes the next `times` calls to a service answer only after `ms` (a slow LMS), then as usual. */
export interface Delay {
  service: ServiceName | 'any';
  ms: number;
  times: number;
}

/** Makes the NEXT id_token bad in one chosen way (refusal tests). */
export interface LaunchTamper {
  claims?: (c: Record<string, unknown>) => Record<string, unknown>;
  signWithForeignKey?: boolean;
  kid?: string;
}

export interface AccessToken {
  clientId: string;
  scopes: string[];
  expiresAt: number;
}

/** A launch the simulator has started; the lti_message_hint points at it. */
export interface PendingLaunch {
  clientId: string;
  userSub: string;
  courseId?: string;
  deploymentId: string;
  messageType: 'LtiResourceLinkRequest' | 'LtiDeepLinkingRequest';
  targetLinkUri: string;
  /** The person's language in the LMS, sent as `locale` and `launch_presentation.locale`. */
  locale: string;
  expiresAt: number;
}

/** Everything the simulated LMS remembers; in memory, per simulator. */
export class SimState {
  tools = new Map<string, SimTool>();
  users = new Map<string, SimUser>();
  courses = new Map<string, SimCourse>();
  enrollments: SimEnrollment[] = [];
  lineItems: SimLineItem[] = [];
  results: SimResult[] = [];
  scores: RecordedScore[] = [];
  tokenRequests: RecordedTokenRequest[] = [];
  deepLinkResponses: RecordedDeepLinkResponse[] = [];
  registrations: RecordedRegistration[] = [];
  faults: Fault[] = [];
  delays: Delay[] = [];
  tamper: LaunchTamper | undefined;
  accessTokens = new Map<string, AccessToken>();
  launches = new Map<string, PendingLaunch>();
  /** Deep-linking `data` we issued, so the response must echo one of ours. */
  deepLinkData = new Map<string, { clientId: string; courseId: string; deploymentId: string }>();
  registrationTokens = new Set<string>();
  /** Spec/Moodle behaviour: registration deploys at once and returns the deployment_id (Canvas does not). */
  registrationReturnsDeploymentId = false;
  private seq = 0;

  constructor(
    readonly profile: Profile,
    readonly baseUrl: string,
    readonly issuer: string,
    readonly clock: Clock,
  ) {}

  next(): number {
    return ++this.seq;
  }
  nowSeconds(): number {
    return Math.floor(this.clock.now().getTime() / 1000);
  }
  url(path: string): string {
    return `${this.baseUrl}${path}`;
  }
  members(courseId: string): SimEnrollment[] {
    return this.enrollments.filter((e) => e.courseId === courseId);
  }
  enrollment(courseId: string, sub: string): SimEnrollment | undefined {
    return this.enrollments.find((e) => e.courseId === courseId && e.sub === sub);
  }
  /** Forgets expired launches and tokens, so a long-running sandbox does not grow without end. */
  prune(): void {
    const now = this.nowSeconds();
    for (const [k, l] of this.launches) if (l.expiresAt < now) this.launches.delete(k);
    for (const [k, t] of this.accessTokens) if (t.expiresAt <= now) this.accessTokens.delete(k);
  }
  /** Consumes one matching delay, if any. */
  takeDelay(service: ServiceName): Delay | undefined {
    const d = this.delays.find((x) => (x.service === service || x.service === 'any') && x.times > 0);
    if (!d) return undefined;
    d.times -= 1;
    if (d.times <= 0) this.delays = this.delays.filter((x) => x !== d);
    return d;
  }
  /** Consumes one matching fault, if any. */
  takeFault(service: ServiceName, path: string): Fault | undefined {
    const f = this.faults.find((x) => (x.service === service || x.service === 'any') && x.times > 0 && (!x.pathIncludes || path.includes(x.pathIncludes)));
    if (!f) return undefined;
    f.times -= 1;
    if (f.times <= 0) this.faults = this.faults.filter((x) => x !== f);
    return f;
  }
}
