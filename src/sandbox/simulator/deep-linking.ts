import { Router } from 'express';
import { jwtVerify } from 'jose';
import { z } from 'zod';
import { errorPage, esc, page } from './html.js';
import type { SimKeys } from './keys.js';
import type { SimState } from './state.js';

const LTI = 'https://purl.imsglobal.org/spec/lti/claim/';
const DL = 'https://purl.imsglobal.org/spec/lti-dl/claim/';

const responseClaims = z.looseObject({
  nonce: z.string().min(1),
  [`${LTI}message_type`]: z.literal('LtiDeepLinkingResponse'),
  [`${LTI}version`]: z.literal('1.3.0'),
  [`${LTI}deployment_id`]: z.string().min(1),
  [`${DL}content_items`]: z.array(z.looseObject({ type: z.string() })).optional(),
  [`${DL}data`]: z.string().optional(),
  [`${DL}msg`]: z.string().optional(),
});

/** Where the tool posts its deep-linking response: verified with the tool's JWKS, then recorded. */
export function deepLinkingRoutes(state: SimState, keys: SimKeys): Router {
  const r = Router();
  const path = state.profile.paths.deepLinkReturn(':courseId').replace(/%3A/g, ':');
  r.post(path, async (req, res) => {
    const jwt = z.object({ JWT: z.string().min(1) }).safeParse(req.body);
    if (!jwt.success) return errorPage(res, 400, 'The JWT form field is missing');
    const clientId = (() => {
      try {
        const iss = JSON.parse(Buffer.from(jwt.data.JWT.split('.')[1] ?? '', 'base64url').toString()).iss as unknown;
        return typeof iss === 'string' ? iss : undefined;
      } catch {
        return undefined;
      }
    })();
    const tool = clientId ? state.tools.get(clientId) : undefined;
    if (!tool) return errorPage(res, 400, 'Unknown tool (iss)');
    let claims: z.infer<typeof responseClaims>;
    try {
      const { payload } = await jwtVerify(jwt.data.JWT, keys.toolKeySet(tool.jwksUri), {
        algorithms: ['RS256'],
        issuer: tool.clientId,
        audience: state.issuer,
        requiredClaims: ['exp', 'iat'],
        currentDate: state.clock.now(),
        clockTolerance: 5,
      });
      claims = responseClaims.parse(payload);
    } catch (e) {
      return errorPage(res, 400, `Deep-linking response refused: ${e instanceof Error ? e.message : 'invalid'}`);
    }
    const data = claims[`${DL}data`];
    const issued = data ? state.deepLinkData.get(data) : undefined;
    const courseId = String(req.params.courseId);
    if (!issued || issued.clientId !== tool.clientId || issued.courseId !== (courseId === 'account' ? '' : courseId)) {
      return errorPage(res, 400, 'Deep-linking response does not echo the data of a request we sent');
    }
    if (claims[`${LTI}deployment_id`] !== issued.deploymentId) return errorPage(res, 400, 'deployment_id does not match the request');
    state.deepLinkData.delete(data as string);
    const items = claims[`${DL}content_items`] ?? [];
    state.deepLinkResponses.push({
      clientId: tool.clientId,
      courseId: issued.courseId,
      deploymentId: issued.deploymentId,
      contentItems: items,
      data,
      msg: claims[`${DL}msg`],
      claims,
    });
    const titles = items.map((i) => `<li>${esc(typeof i.title === 'string' ? i.title : i.type)}</li>`).join('');
    page(res, 'Content added', `<h1>Content added</h1><ul id="items">${titles}</ul>`);
  });
  return r;
}
