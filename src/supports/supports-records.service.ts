import type { DistrictTable } from '../db/student-rows.js';
import { supports } from './supports.tables.js';

/** The supports catalogue (the school's asset map), which referrals point at: for the district bundle. */
export const supportCatalogue: readonly DistrictTable[] = [{ table: supports, tenant: supports.tenantId }];
