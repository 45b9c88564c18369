import { z } from 'zod';
import { ServiceError } from './errors.js';
import type { ServiceClient } from './http.js';
import { allowedScopes, scopes } from './scopes.js';
import type { TokenTenant } from './token.js';

export const NRPS_MEDIA_TYPE = 'application/vnd.ims.lti-nrps.v2.membershipcontainer+json';

export const nrpsMember = z.object({
  // As a launch reads `sub` (launch.schemas.ts), so both find the same person.
  user_id: z.string().trim().min(1).max(2048),
  status: z.enum(['Active', 'Inactive', 'Deleted']).default('Active'),
  roles: z.array(z.string()).default([]),
  name: z.string().optional(),
  given_name: z.string().optional(),
  family_name: z.string().optional(),
  email: z.string().optional(),
  lis_person_sourcedid: z.string().optional(),
});
export type NrpsMember = z.infer<typeof nrpsMember>;

const membershipContainer = z.object({
  id: z.string().optional(),
  context: z.object({ id: z.string(), label: z.string().optional(), title: z.string().optional() }).optional(),
  // Read one by one (fetchMembership): one member the tool cannot read must not cost the course its roster.
  members: z.array(z.unknown()),
});

export interface Membership {
  members: NrpsMember[];
  pages: number;
  /** Members listed in a shape the tool cannot read (no user id, a name that is not text...): left out. */
  skipped: number;
}

/** The whole membership of a context, every page, with the NRPS Accept header Schoology insists on. */
export async function fetchMembership(
  client: ServiceClient,
  tenant: TokenTenant & { grantedScopes: string[] },
  membershipsUrl: string,
  pageSize: number,
): Promise<Membership> {
  const granted = allowedScopes([scopes.nrps], tenant.grantedScopes);
  if (granted.length === 0) throw new ServiceError('not_granted', 'the platform did not grant the NRPS scope');
  const url = new URL(membershipsUrl);
  url.searchParams.set('limit', String(pageSize));
  const members: NrpsMember[] = [];
  let pages = 0;
  let skipped = 0;
  for await (const page of client.pages({ tenant, scopes: granted, url: url.toString(), accept: NRPS_MEDIA_TYPE, schema: membershipContainer })) {
    pages++;
    for (const listed of page.members) {
      const member = nrpsMember.safeParse(listed);
      if (member.success) members.push(member.data);
      else skipped++;
    }
  }
  return { members, pages, skipped };
}
