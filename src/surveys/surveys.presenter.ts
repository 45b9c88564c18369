import { points } from './scoring.js';

/** An item's radio for one point of the scale: the first one is where its error summary entry leads. */
export const itemInputId = (itemId: string, point: number) => `item-${itemId}-${point}`;

/** A survey's statements as the answering form draws them (views/partials/survey-items.hbs): a radio per point of the scale, with the point chosen and each one's error. */
export const surveyItems = (items: readonly { id: string; text: string }[], scale: readonly string[], chosenOf: (itemId: string) => string, errors: Record<string, string>) =>
  items.map((item) => ({
    id: item.id,
    text: item.text,
    name: `answer.${item.id}`,
    error: errors[`answer.${item.id}`],
    options: points.map((p) => ({ id: itemInputId(item.id, p), value: String(p), label: scale[p - 1], checked: chosenOf(item.id) === String(p) })),
  }));
