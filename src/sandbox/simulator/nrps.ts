import { Router } from 'express';
import { z } from 'zod';
import { NRPS_MEDIA_TYPE, SCOPES, linkHeaderValue } from './profiles.js';
import { personClaims } from './claims.js';
import { serviceAuth, tokenOf } from './token.js';
import type { SimState } from './state.js';

const querySchema = z.object({
  limit: z.coerce.number().int().positive().optional(),
  page: z.coerce.number().int().positive().optional(),
  role: z.string().optional(),
  rlid: z.string().optional(),
});

/** Names and Role Provisioning Services 2.0 with paging and Link headers, shaped per profile. */
export function nrpsRoutes(state: SimState): Router {
  const r = Router();
  const { profile } = state;
  const path = profile.paths.nrps(':toolId', ':courseId').replace(/%3A/g, ':');
  r.get(path, serviceAuth(state, 'nrps', [SCOPES.nrps]), (req, res) => {
    if (profile.nrpsAcceptError && !(req.get('accept') ?? '').includes(NRPS_MEDIA_TYPE)) {
      res.status(400).json({ error: profile.nrpsAcceptError });
      return;
    }
    const tool = state.tools.get(tokenOf(res).clientId);
    const courseId = String(req.params.courseId);
    const course = state.courses.get(courseId);
    if (!tool || !course || (profile.name === 'schoology' && req.params.toolId !== tool.toolId)) {
      res.status(404).json({ errors: [{ message: 'Course not found' }] });
      return;
    }
    const q = querySchema.safeParse(req.query);
    if (!q.success) {
      res.status(400).json({ errors: [{ message: 'Invalid query' }] });
      return;
    }
    const limit = Math.min(q.data.limit ?? profile.nrpsPageSize.default, profile.nrpsPageSize.max);
    const page = q.data.page ?? 1;
    // Canvas matches role only as a full LIS URI: "Learner" matches nothing.
    const all = state.members(course.id).filter((e) => !q.data.role || e.roles.includes(q.data.role));
    const slice = all.slice((page - 1) * limit, page * limit);
    const self = new URL(`${state.baseUrl}${req.originalUrl.slice(req.baseUrl.length)}`);
    const pageUrl = (n: number) => {
      const u = new URL(self);
      u.searchParams.set('page', String(n));
      u.searchParams.set('limit', String(limit));
      return u.toString();
    };
    const lastPage = Math.max(1, Math.ceil(all.length / limit));
    const links = [`<${pageUrl(1)}>; rel="first"`, `<${pageUrl(lastPage)}>; rel="last"`];
    if (page < lastPage) links.unshift(`<${pageUrl(page + 1)}>; rel="next"`);
    if (page > 1) links.push(`<${pageUrl(page - 1)}>; rel="prev"`);
    res.setHeader('Link', linkHeaderValue(profile, links));
    // A Buffer, so Node writes the header bytes as they are (a string body would re-encode them).
    res.type(NRPS_MEDIA_TYPE).send(
      Buffer.from(JSON.stringify({
        id: self.toString(),
        context: { id: course.id, label: course.label, title: course.title },
        members: slice.map((e) => {
          const user = state.users.get(e.sub);
          const p: Partial<ReturnType<typeof personClaims>> = user ? personClaims(tool, user) : {};
          return Object.fromEntries(
            Object.entries({
              status: 'Active',
              user_id: e.sub,
              roles: e.roles,
              name: p.name,
              given_name: p.given_name,
              family_name: p.family_name,
              email: p.email,
              lis_person_sourcedid: p.sourcedId,
            }).filter(([, v]) => v !== undefined),
          );
        }),
      })),
    );
  });
  return r;
}
