import { z } from 'zod';
import { formText } from '../web/forms.js';
import { evidenceCardKinds, lookForRatings, reflectionComponents } from './reflection-tool.js';

export const cycleTitleLimit = 120;
/** A component's reflection: room for a team's paragraphs, as a Success Map field. */
export const reflectionTextLimit = 4000;

export const newCycleForm = z.object({
  title: formText(cycleTitleLimit, 'reflections.errors.titleTooLong', { min: 1, message: 'reflections.errors.titleEmpty' }),
});

/** A look-for's key is checked against the tool by the service; here only its shape and the scale. */
export const rateForm = z.object({
  lookFor: z.string().max(200, 'reflections.errors.unknownChoice').regex(/^[a-z][a-z.-]*$/, 'reflections.errors.unknownChoice'),
  rating: z.enum(lookForRatings, { error: 'reflections.errors.rating' }),
});

/** One component's reflection with the version of its words the form loaded (the no-lost-edits rule). */
export const reflectionSaveForm = z.object({
  component: z.enum(reflectionComponents, { error: 'reflections.errors.unknownChoice' }),
  text: formText(reflectionTextLimit, 'reflections.errors.tooLong'),
  version: z.coerce.number().int().min(0, 'reflections.errors.unknownChoice'),
});

/** A card for a component; a district cycle's card names its school. */
export const cardForm = z.object({
  component: z.enum(reflectionComponents, { error: 'reflections.errors.unknownChoice' }),
  kind: z.enum(evidenceCardKinds, { error: 'reflections.errors.kind' }),
  school: z.uuid({ error: 'reflections.errors.school' }).optional(),
});
