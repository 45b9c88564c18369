import { z } from 'zod';
import { minGroupSizeSchema } from './suppression.js';

/** /admin/reports: the minimum group size. */
export const reportSettingsForm = z.object({ minGroupSize: minGroupSizeSchema });
export type ReportSettingsForm = z.infer<typeof reportSettingsForm>;
