import path from 'node:path';
import { z } from 'zod';
import { projectRoot } from '../web/config.js';
import { loadDocument } from '../web/overlays.js';
import { formText } from '../web/forms.js';
import { alertKinds, recipientReasons, type AlertKind, type RecipientReason } from './alerts.tables.js';

/** config/alert-routing.json: who each kind (and category) of alert reaches; the first matching route wins. */
export const alertRoutingSchema = z.object({
  sensitiveCategories: z.array(z.string().min(1)),
  routes: z
    .array(z.object({ kind: z.enum(alertKinds), categories: z.array(z.string().min(1)).optional(), to: z.array(z.enum(recipientReasons)).min(1) }))
    .min(1)
    .refine((routes) => alertKinds.every((k) => routes.some((r) => r.kind === k && !r.categories)), 'every kind needs a route without categories (its default)'),
});
export type AlertRouting = z.infer<typeof alertRoutingSchema>;

export const loadAlertRouting = (file = path.join(projectRoot, 'config', 'alert-routing.json')): AlertRouting => loadDocument(file, alertRoutingSchema);

/** The audiences an alert of this kind and category goes to (the first route that matches). */
export function audiencesFor(routing: AlertRouting, kind: AlertKind, category: string | null): RecipientReason[] {
  const route = routing.routes.find((r) => r.kind === kind && (!r.categories || (category !== null && r.categories.includes(category))));
  return route?.to ?? [];
}

/** config/crisis-words.json: per language, words and phrases matched whole, ignoring case and accents. */
export const crisisWordsSchema = z.record(z.string().regex(/^[a-z]{2}$/), z.array(z.string().min(2)).min(1));
export const loadCrisisWords = (file = path.join(projectRoot, 'config', 'crisis-words.json')): string[] => {
  const doc = loadDocument(file, z.object({ $comment: z.string().optional() }).catchall(z.unknown()));
  const { $comment: _ignored, ...lists } = doc;
  return Object.values(crisisWordsSchema.parse(lists)).flat();
};

/** Lower case, accents gone, every run of what is not a letter or digit one space, padded: words can then be matched whole. */
export function normalized(text: string): string {
  const words = text
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .toLowerCase()
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
  return ` ${words} `;
}

/**
 * A matcher for the crisis list: true when any text holds a listed word or phrase as whole words
 * ("suicide" matches "Suicide?" and "SUICÍDE", never "suicidesquad"). Says only whether, never which.
 */
export function crisisMatcher(words: readonly string[]): (texts: readonly string[]) => boolean {
  const phrases = [...new Set(words.map((w) => normalized(w)).filter((w) => w.trim() !== ''))];
  return (texts) => texts.some((text) => {
    if (!text) return false;
    const n = normalized(text);
    return phrases.some((p) => n.includes(p));
  });
}

export const RESOLUTION_NOTE_MAX = 2000;
/** Resolving an alert: a note saying what was done is required. */
export const resolveAlertForm = z.object({
  note: formText(RESOLUTION_NOTE_MAX, 'alerts.errors.noteTooLong', { min: 1, message: 'alerts.errors.noteRequired' }),
});
export type ResolveAlertForm = z.infer<typeof resolveAlertForm>;
