import express, { Router } from 'express';
import type { JSONWebKeySet } from 'jose';
import { systemClock, type Clock } from '../../web/clock.js';
import { ALL_SERVICE_SCOPES, profiles, type ProfileName } from './profiles.js';
import { SimKeys } from './keys.js';
import { SimState, type Delay, type Fault, type LaunchTamper, type SimCourse, type SimTool, type SimUser } from './state.js';
import { oidcRoutes, launchUrl, type LaunchParams } from './oidc.js';
import { tokenRoutes } from './token.js';
import { nrpsRoutes } from './nrps.js';
import { agsRoutes } from './ags.js';
import { registrationPageUrl, registrationRoutes, registrationStartUrl } from './registration.js';
import { deepLinkingRoutes } from './deep-linking.js';
import { courseFrameUrl, coursePageRoutes } from './course-page.js';

export { ROLE } from './claims.js';
export { SCOPES, ALL_SERVICE_SCOPES, NRPS_MEDIA_TYPE, type ProfileName } from './profiles.js';
export type { Delay, Fault, LaunchTamper, SimLineItem, RecordedScore, RecordedTokenRequest, RecordedDeepLinkResponse, RecordedRegistration } from './state.js';
export type { LaunchParams } from './oidc.js';

export interface SimulatorOptions {
  profile: ProfileName;
  /** Where the router is mounted, e.g. http://127.0.0.1:4100 or http://127.0.0.1:3000/sandbox. */
  baseUrl: string;
  /** Defaults to baseUrl, which keeps simulators in one test run apart. */
  issuer?: string;
  clock?: Clock;
  /**
   * Dynamic registration as the spec and Moodle do it (deploy at once, return the deployment_id)
   * instead of Canvas's client_id-only answer. Only for profiles with dynamic registration.
   */
  registrationReturnsDeploymentId?: boolean;
  /**
   * For a tool in the same process (the sandbox): its key set by JWKS URL, read directly instead of
   * over HTTP, so the platform can verify the tool's tokens before the tool listens. null = fetch it.
   */
  localToolKeys?: (jwksUri: string) => Promise<JSONWebKeySet | null>;
}

export interface RegisterToolInput {
  name: string;
  initiateLoginUri: string;
  redirectUris: string[];
  jwksUri: string;
  targetLinkUri: string;
  /** Granted service scopes; default all AGS + NRPS scopes. */
  scopes?: string[];
  /** Fixed ids, so a restarted sandbox keeps the same registration. */
  clientId?: string;
  deploymentId?: string;
  privacyLevel?: SimTool['privacyLevel'];
  customParameters?: Record<string, string>;
}

export type Simulator = Awaited<ReturnType<typeof createSimulator>>;

/** A real LTI 1.3 Advantage platform (Canvas- or Schoology-shaped) for tests and the sandbox. */
export async function createSimulator(opts: SimulatorOptions) {
  const profile = profiles[opts.profile];
  const baseUrl = opts.baseUrl.replace(/\/$/, '');
  const state = new SimState(profile, baseUrl, opts.issuer ?? baseUrl, opts.clock ?? systemClock);
  state.registrationReturnsDeploymentId = opts.registrationReturnsDeploymentId ?? false;
  const keys = await SimKeys.create();
  keys.localToolKeys = opts.localToolKeys;

  const addTool = (t: Omit<SimTool, 'clientId' | 'toolId' | 'deploymentIds'> & { clientId?: string; deploymentIds?: string[] }): SimTool => {
    const n = state.next();
    const tool: SimTool = { ...t, clientId: t.clientId ?? profile.clientIdFor(n), toolId: `${9000 + n}`, deploymentIds: t.deploymentIds ?? [] };
    state.tools.set(tool.clientId, tool);
    return tool;
  };
  const toolOf = (clientId: string) => {
    const tool = state.tools.get(clientId);
    if (!tool) throw new Error(`unknown client_id ${clientId}`);
    return tool;
  };

  const router = Router();
  router.use(express.urlencoded({ extended: false }));
  router.use(express.json({ type: ['application/json', 'application/*+json'] }));
  router.get(profile.paths.jwks, (_req, res) => {
    res.json(keys.jwks());
  });
  router.use(oidcRoutes(state, keys));
  router.use(tokenRoutes(state, keys));
  router.use(nrpsRoutes(state));
  router.use(agsRoutes(state));
  router.use(registrationRoutes(state, keys, addTool));
  router.use(deepLinkingRoutes(state, keys));
  router.use(coursePageRoutes(state));

  const p = profile.paths;
  return {
    router,
    profile: profile.name,
    issuer: state.issuer,
    baseUrl,
    endpoints: {
      authLoginUrl: state.url(p.authorize),
      accessTokenUrl: state.url(p.token),
      jwksUrl: state.url(p.jwks),
      /** null for Schoology: it has no dynamic registration. */
      openidConfigurationUrl: p.openidConfiguration ? state.url(p.openidConfiguration) : null,
      registrationEndpoint: p.registration ? state.url(p.registration) : null,
    },

    registerTool(input: RegisterToolInput): { clientId: string; deploymentId: string } {
      const existing = input.clientId ? state.tools.get(input.clientId) : undefined;
      const tool =
        existing ??
        addTool({
          name: input.name,
          initiateLoginUri: input.initiateLoginUri,
          redirectUris: input.redirectUris,
          jwksUri: input.jwksUri,
          targetLinkUri: input.targetLinkUri,
          scopes: input.scopes ?? [...ALL_SERVICE_SCOPES],
          privacyLevel: input.privacyLevel ?? 'public',
          placements: ['course_navigation', 'link_selection'],
          clientId: input.clientId,
          customParameters: input.customParameters,
        });
      const deploymentId = input.deploymentId ?? tool.deploymentIds[0] ?? profile.deploymentIdFor(state.next());
      if (!tool.deploymentIds.includes(deploymentId)) tool.deploymentIds.push(deploymentId);
      return { clientId: tool.clientId, deploymentId };
    },
    /** An admin deploys the tool (again): a new deployment id for the same client id. */
    deploy(clientId: string, deploymentId?: string): string {
      const tool = toolOf(clientId);
      const id = deploymentId ?? profile.deploymentIdFor(state.next());
      if (!tool.deploymentIds.includes(id)) tool.deploymentIds.push(id);
      return id;
    },
    tool: (clientId: string): Readonly<SimTool> | undefined => state.tools.get(clientId),
    /** Changes what a tool was granted (e.g. remove AGS scopes for "not granted" tests). */
    setGrantedScopes(clientId: string, scopes: string[]): void {
      toolOf(clientId).scopes = [...scopes];
    },

    addUser(u: { sub: string; name: string; givenName?: string; familyName?: string; email?: string; roles?: string[]; sourcedId?: string; timeZone?: string; lmsUserId?: string }): void {
      const user: SimUser = { ...u, roles: u.roles ?? [] };
      state.users.set(u.sub, user);
    },
    addCourse(c: SimCourse): void {
      state.courses.set(c.id, { ...c });
    },
    enroll(courseId: string, sub: string, roles: string[], o: { mentees?: string[] } = {}): void {
      if (!state.courses.has(courseId)) throw new Error(`unknown course ${courseId}`);
      if (!state.users.has(sub)) throw new Error(`unknown user ${sub}`);
      const existing = state.enrollment(courseId, sub);
      if (existing) Object.assign(existing, { roles, mentees: o.mentees ?? existing.mentees });
      else state.enrollments.push({ courseId, sub, roles, mentees: o.mentees ?? [] });
    },
    unenroll(courseId: string, sub: string): void {
      state.enrollments = state.enrollments.filter((e) => !(e.courseId === courseId && e.sub === sub));
    },
    /** A line item the tool did not create (an ordinary assignment, or another tool's): AGS must hide it. */
    addForeignLineItem(courseId: string, item: { label: string; scoreMaximum: number; clientId?: string }): string {
      const id = String(state.next());
      state.lineItems.push({ id, courseId, clientId: item.clientId ?? null, label: item.label, scoreMaximum: item.scoreMaximum });
      return id;
    },

    /** The NRPS and AGS endpoints a launch from this course would name. */
    serviceUrls(clientId: string, courseId: string): { memberships: string; lineItems: string } {
      const tool = toolOf(clientId);
      return { memberships: state.url(p.nrps(tool.toolId, courseId)), lineItems: state.url(p.lineItems(tool.toolId, courseId)) };
    },

    launchUrl: (l: LaunchParams): string => launchUrl(state, l),
    courseFrameUrl: (l: LaunchParams): string => courseFrameUrl(state, l),
    /** Browser page of an admin pasting the tool's registration URL; null without dynamic registration. */
    registrationPageUrl: (toolRegistrationUrl: string): string | null => registrationPageUrl(state, toolRegistrationUrl),
    /** The tool URL the LMS opens, with openid_configuration and a fresh one-time registration_token. */
    registrationStartUrl: (toolRegistrationUrl: string): Promise<string> => registrationStartUrl(state, keys, toolRegistrationUrl),

    nextLaunch(tamper: LaunchTamper): void {
      state.tamper = tamper;
    },
    /** Makes the next `times` calls to a service answer `status` (429/500 for retries, 403 for "not granted"). */
    injectFault(f: Fault): void {
      state.faults.push({ ...f });
    },
    /** Makes the next `times` calls to a service answer only after `ms` (a slow LMS). */
    delay(d: Delay): void {
      state.delays.push({ ...d });
    },
    clearFaults(): void {
      state.faults = [];
      state.delays = [];
    },
    /** Ends every access token now (401 tests). */
    revokeTokens(): void {
      state.accessTokens.clear();
    },
    /** Signs any payload with the platform key (or a foreign one), for hand-made refusal tests. */
    sign: (payload: Record<string, unknown>, o: { foreign?: boolean; kid?: string } = {}) => keys.sign(payload, o),

    get scores() {
      return state.scores;
    },
    get lineItems() {
      return state.lineItems;
    },
    get results() {
      return state.results;
    },
    get deepLinkResponses() {
      return state.deepLinkResponses;
    },
    get tokenRequests() {
      return state.tokenRequests;
    },
    get registrations() {
      return state.registrations;
    },
  };
}
