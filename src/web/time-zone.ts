import { z } from 'zod';

/** The zone of a school that has not said yet (no admin setting, no LMS value), and of pages without a signed-in user. */
export const schoolTimeZone = 'UTC';

/** Whether the runtime knows `timeZone` as an IANA zone name (Intl throws a RangeError on unknown ones). */
export function isTimeZone(timeZone: string): boolean {
  try {
    new Intl.DateTimeFormat('en', { timeZone });
    return true;
  } catch {
    return false;
  }
}

/** An IANA zone name (America/Los_Angeles), as an admin types it or an LMS sends it. */
export const timeZoneName = z
  .string()
  .trim()
  .min(1, 'Time zone is required')
  .max(100, 'Time zone is too long')
  .refine(isTimeZone, 'Time zone must be an IANA zone name such as America/Los_Angeles');

const dayFormats = new Map<string, Intl.DateTimeFormat>();

/** The calendar day (yyyy-mm-dd) that `instant` falls on in `timeZone`: 22:00 in Los Angeles is still that day there. */
export function localDate(instant: Date, timeZone: string): string {
  let f = dayFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, year: 'numeric', month: '2-digit', day: '2-digit' });
    dayFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => parts.find((p) => p.type === type)!.value;
  return `${part('year')}-${part('month')}-${part('day')}`;
}

const clockFormats = new Map<string, Intl.DateTimeFormat>();

/** How far `timeZone`'s wall clock is ahead of UTC at `instant`, in ms (Los Angeles in summer: -7 h). */
function offsetAt(instant: Date, timeZone: string): number {
  let f = clockFormats.get(timeZone);
  if (!f) {
    f = new Intl.DateTimeFormat('en-US', { timeZone, hourCycle: 'h23', year: 'numeric', month: '2-digit', day: '2-digit', hour: '2-digit', minute: '2-digit', second: '2-digit' });
    clockFormats.set(timeZone, f);
  }
  const parts = f.formatToParts(instant);
  const part = (type: Intl.DateTimeFormatPartTypes) => Number(parts.find((p) => p.type === type)!.value);
  const wall = Date.UTC(part('year'), part('month') - 1, part('day'), part('hour'), part('minute'), part('second'));
  return wall - (instant.getTime() - instant.getUTCMilliseconds());
}

/** The instant the school's clocks show `time` (HH:MM) on `day` (yyyy-mm-dd): 15:30 in Los Angeles is 22:30 or 23:30 UTC. */
export function zonedTime(day: string, time: string, timeZone: string): Date {
  const wall = Date.parse(`${day}T${time}:00Z`);
  // The offset at a first guess, then at the answer: they differ when a daylight-saving change lies between.
  const guess = wall - offsetAt(new Date(wall), timeZone);
  return new Date(wall - offsetAt(new Date(guess), timeZone));
}
