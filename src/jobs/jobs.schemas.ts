import { z } from 'zod';

/** /admin/jobs?page=N: a page number past the last shows the last. */
export const jobsPageQuery = z.object({ page: z.coerce.number().int().min(1).max(10_000).catch(1).default(1) });

/** The job a retry form names: a uuid, else nothing is there (404). */
export const jobIdParam = z.uuid();
