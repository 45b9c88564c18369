import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { z } from 'zod';

/** The parts of a V8 .cpuprofile this reads. */
const cpuProfileSchema = z.object({
  nodes: z.array(z.object({
    id: z.number(),
    callFrame: z.object({ functionName: z.string(), url: z.string(), lineNumber: z.number() }),
    hitCount: z.number().optional(),
  })),
  startTime: z.number(),
  endTime: z.number(),
});

export interface ProfileEntry {
  functionName: string;
  /** Where it lives, shortened to the project or the package. */
  where: string;
  selfMs: number;
  /** Share of the samples that were not idle. */
  percent: number;
}

/** node_modules/<pkg>/… -> <pkg>; the project's own files relative to it; node internals as they are. */
function shortUrl(url: string, root: string): string {
  const u = url.replace(/^file:\/\//, '');
  const nm = /node_modules\/((?:@[^/]+\/)?[^/]+)\/(.*)$/.exec(u);
  if (nm) return `${nm[1]} ${nm[2]}`;
  return u.startsWith(root) ? path.relative(root, u) : u;
}

/**
 * Self time by function (name + file), summed over every profile in `dir` (one per tool process):
 * each node's hits times the profile's sampling interval. `(idle)` is left out of the shares.
 */
export function topSelfTime(dir: string, root: string, limit = 20): { entries: ProfileEntry[]; busyMs: number; files: number } {
  const totals = new Map<string, { functionName: string; where: string; selfMs: number }>();
  const files = readdirSync(dir).filter((f) => f.endsWith('.cpuprofile'));
  for (const f of files) {
    const profile = cpuProfileSchema.parse(JSON.parse(readFileSync(path.join(dir, f), 'utf8')));
    const hits = profile.nodes.reduce((s, n) => s + (n.hitCount ?? 0), 0);
    if (hits === 0) continue;
    const msPerHit = (profile.endTime - profile.startTime) / 1000 / hits;
    for (const n of profile.nodes) {
      if (!n.hitCount) continue;
      const functionName = n.callFrame.functionName || '(anonymous)';
      const where = n.callFrame.url ? shortUrl(n.callFrame.url, root) : '';
      const key = `${functionName}\u0000${where}`;
      const t = totals.get(key) ?? { functionName, where, selfMs: 0 };
      t.selfMs += n.hitCount * msPerHit;
      totals.set(key, t);
    }
  }
  const busyMs = [...totals.values()].filter((t) => t.functionName !== '(idle)').reduce((s, t) => s + t.selfMs, 0);
  const entries = [...totals.values()]
    .filter((t) => t.functionName !== '(idle)')
    .sort((a, b) => b.selfMs - a.selfMs)
    .slice(0, limit)
    .map((t) => ({ ...t, percent: busyMs ? (100 * t.selfMs) / busyMs : 0 }));
  return { entries, busyMs, files: files.length };
}
