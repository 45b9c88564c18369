/** Calendar days as imported files write them (YYYY-MM-DD), and the school year they must fall in. */

const dayPattern = /^(\d{4})-(\d{2})-(\d{2})$/;
const msPerDay = 86_400_000;

/** Days since 1970-01-01 of a YYYY-MM-DD day that exists on the calendar, else undefined (2026-02-30, 2026-9-1, 09/01/2026). */
export function dayNumber(day: string): number | undefined {
  const m = dayPattern.exec(day);
  if (!m) return undefined;
  const [y, mo, d] = [Number(m[1]), Number(m[2]), Number(m[3])];
  const ms = Date.UTC(y, mo - 1, d);
  const back = new Date(ms);
  if (back.getUTCFullYear() !== y || back.getUTCMonth() !== mo - 1 || back.getUTCDate() !== d) return undefined;
  return ms / msPerDay;
}

/** The YYYY-MM-DD day `n` days after 1970-01-01. */
export const dayOfNumber = (n: number): string => new Date(n * msPerDay).toISOString().slice(0, 10);

/**
 * The days an import accepts: the school year (first and last day, inclusive) and nothing after
 * `today` (the school's today: a day not yet lived has no attendance and no incident).
 */
export interface ImportWindow {
  firstDay: string;
  lastDay: string;
  today: string;
}

/** The window as day numbers, checked once per file rather than once per row. */
export interface DayRange {
  first: number;
  last: number;
  today: number;
}

export function dayRange(w: ImportWindow): DayRange {
  const first = dayNumber(w.firstDay);
  const last = dayNumber(w.lastDay);
  const today = dayNumber(w.today);
  if (first === undefined || last === undefined || today === undefined || last < first) throw new Error('invalid import window');
  return { first, last, today };
}

export type DayCheck = { ok: true; n: number } | { ok: false; reason: 'badDate' | 'outsideSchoolYear' | 'futureDate' };

/** A file has few distinct days and many rows: each day's number is worked out once. */
const known = new Map<string, number | undefined>();

export function checkDay(day: string, range: DayRange): DayCheck {
  let n: number | undefined;
  if (known.has(day)) n = known.get(day);
  else {
    n = dayNumber(day);
    if (known.size > 10_000) known.clear();
    known.set(day, n);
  }
  if (n === undefined) return { ok: false, reason: 'badDate' };
  if (n > range.today) return { ok: false, reason: 'futureDate' };
  if (n < range.first || n > range.last) return { ok: false, reason: 'outsideSchoolYear' };
  return { ok: true, n };
}
