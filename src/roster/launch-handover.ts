import type { LaunchRows, SignedInRows } from './roster.repository.js';

const HOLD_MS = 10_000;
const MAX_HELD = 10_000;

/**
 * A launch answers with a redirect to the role's home page, whose request reads who is signed in:
 * the person, the course and the membership the launch read a moment before. A repeat launch hands
 * those rows over here, and the landing request takes them: once, within a few seconds, in this
 * process. Anywhere else (another web process, a later request) they are read as on every request.
 */
export function createLaunchHandover(now: () => number = Date.now) {
  const held = new Map<string, { rows: SignedInRows; until: number }>();
  const keyOf = (tenantId: string, personId: string, contextId: string | null) => `${tenantId}|${personId}|${contextId ?? ''}`;

  return {
    put(tenantId: string, { person, context, membership }: LaunchRows): void {
      // Launches whose landing never came are dropped once stale; a flood cannot grow the map without bound.
      if (held.size >= MAX_HELD) for (const [key, h] of held) if (h.until <= now()) held.delete(key);
      if (held.size >= MAX_HELD) return;
      const rows: SignedInRows = {
        person,
        context: context && { title: context.title, kind: context.kind },
        membership: membership && { status: membership.status, mentees: membership.mentees },
      };
      held.set(keyOf(tenantId, person.id, context?.id ?? null), { rows, until: now() + HOLD_MS });
    },

    /** The rows a launch just handed over for this ltik's person and course, once; undefined when none (or too old). */
    take(tenantId: string, personId: string, contextId: string | null): SignedInRows | undefined {
      const key = keyOf(tenantId, personId, contextId);
      const h = held.get(key);
      held.delete(key);
      return h && h.until > now() ? h.rows : undefined;
    },
  };
}
