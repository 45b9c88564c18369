import { readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../web/config.js';

/** Who reads a field: the student, their advisors (and admins), family, and teachers of their subject courses. */
export const audiences = ['student', 'adult', 'family', 'teacher'] as const;
export type Audience = (typeof audiences)[number];
/** Whose words a field holds: the student's, an adult's, or both side by side. */
export const editors = ['student', 'adult', 'both'] as const;
export type Voice = 'student' | 'adult';

const key = z.string().regex(/^[a-z0-9-]{1,60}$/, 'keys are lowercase letters, digits and dashes');

const field = z.object({
  key,
  label: z.string().min(1).max(200),
  help: z.string().max(500).optional(),
  type: z.enum(['short', 'long']),
  edit: z.enum(editors),
  see: z.array(z.enum(audiences)).min(1),
});

export const planTemplateSchema = z
  .object({
    name: z.string().min(1),
    sections: z.array(z.object({ key, title: z.string().min(1).max(200), intro: z.string().max(500).optional(), fields: z.array(field).min(1) })).min(1),
  })
  .superRefine((t, ctx) => {
    const seen = new Set<string>();
    t.sections.forEach((s, si) =>
      s.fields.forEach((f, fi) => {
        if (seen.has(f.key)) ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'key'], message: `field key "${f.key}" is used twice` });
        seen.add(f.key);
        // Whoever writes a field must be able to read it back.
        const writers: Audience[] = f.edit === 'both' ? ['student', 'adult'] : [f.edit];
        for (const w of writers) {
          if (!f.see.includes(w)) ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'see'], message: `"${f.key}" is written by ${w} but not visible to ${w}` });
        }
        // Teachers read only what the student reads too: never an adult-only note.
        if (f.see.includes('teacher') && !f.see.includes('student')) {
          ctx.addIssue({ code: 'custom', path: ['sections', si, 'fields', fi, 'see'], message: `"${f.key}" is shared with teachers but not with the student` });
        }
      }),
    );
  });
export type PlanTemplate = z.infer<typeof planTemplateSchema>;
export type PlanField = PlanTemplate['sections'][number]['fields'][number];

export class PlanTemplateError extends Error {
  constructor(readonly problems: string[]) {
    super(`Invalid plan template (config/plan-template.json):\n${problems.map((p) => `  - ${p}`).join('\n')}`);
  }
}

/** Parsed once at start; a bad template stops the app with every problem named. */
export function parsePlanTemplate(raw: unknown): PlanTemplate {
  const parsed = planTemplateSchema.safeParse(raw);
  if (!parsed.success) throw new PlanTemplateError(parsed.error.issues.map((i) => `${i.path.join('.') || 'template'}: ${i.message}`));
  return parsed.data;
}

export function loadPlanTemplate(file = path.join(projectRoot, 'config', 'plan-template.json')): PlanTemplate {
  return parsePlanTemplate(JSON.parse(readFileSync(file, 'utf8')));
}

export const fieldForm = z.object({
  field: key,
  voice: z.enum(['student', 'adult']),
  text: z.string().max(5000, 'Keep it under 5,000 characters').transform((s) => s.replace(/\r\n/g, '\n').trim()),
  version: z.coerce.number().int().min(0),
});
export type FieldForm = z.infer<typeof fieldForm>;

export const statusForm = z.object({ status: z.enum(['draft', 'active']), version: z.coerce.number().int().min(0) });

export const commentForm = z.object({ text: z.string().trim().min(1, 'Write a comment first').max(2000, 'Keep it under 2,000 characters') });

export const auditFilter = z.object({ student: z.uuid().optional().or(z.literal('').transform(() => undefined)) });
