import type { Request, Response } from 'express';
import { Counter, Gauge, Histogram, Registry, collectDefaultMetrics } from 'prom-client';

/** What the features report, through their services (never their tables). */
export interface MetricSources {
  /** Jobs per type and state (src/jobs). */
  jobDepth: () => Promise<{ type: string; status: string; count: number }[]>;
  /** Age of the oldest last successful roster sync, and contexts never synced (src/roster). */
  rosterSyncLag: () => Promise<{ oldestAgeSeconds: number | null; neverSynced: number }>;
  /** Age of the oldest last successful score publish (src/scores). */
  scorePublishLag: () => Promise<number | null>;
}

/** Express route of the request as declared (`/students/:studentId/plan`): never the raw URL, which carries ids. */
export function routePatternOf(req: Request): string {
  const route = (req as { route?: { path?: unknown } }).route;
  if (route && typeof route.path === 'string') return `${req.baseUrl}${route.path}`;
  // Static files, the LTI library's own endpoints and addresses nothing answers: one label, never the path.
  return '(no route)';
}

/**
 * Node's default process metrics, once per process: they are the process's, and each set runs its own
 * event-loop sampler (tests build hundreds of apps in one process).
 */
let processRegistry: Registry | undefined;
function processMetrics(): Registry {
  if (!processRegistry) {
    processRegistry = new Registry();
    collectDefaultMetrics({ register: processRegistry });
  }
  return processRegistry;
}

/**
 * The tool's Prometheus metrics, one registry per app (tests build many apps in one process):
 * request latency by route pattern and status class, errors by class, the job queue's depth, roster
 * sync and score publish lag, and Node's default process metrics.
 */
export function createMetrics(sources: MetricSources) {
  const registry = new Registry();

  const requestSeconds = new Histogram({
    name: 'http_request_duration_seconds',
    help: 'Time to answer a request, by route pattern and status class',
    labelNames: ['method', 'route', 'status_class'] as const,
    buckets: [0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5, 10],
    registers: [registry],
  });
  const errors = new Counter({
    name: 'errors_total',
    help: 'Errors by source (http: answered with an error page; job: a failed attempt) and class (an error code or kind, never a message)',
    labelNames: ['source', 'class'] as const,
    registers: [registry],
  });
  /**
   * A gauge read from the database on each scrape. A database out of reach does not fail the scrape:
   * the gauge is left without samples, or NaN when it has no labels (never a reassuring 0). A lag with
   * nothing to measure (no course synced or published yet) reads 0: nothing is late.
   */
  const gaugeFrom = <L extends string>(name: string, help: string, labelNames: readonly L[], read: (g: Gauge<L>) => Promise<void>) =>
    new Gauge<L>({
      name,
      help,
      labelNames,
      registers: [registry],
      async collect() {
        this.reset();
        await read(this).catch(() => {
          if (labelNames.length === 0) (this as Gauge).set(NaN);
        });
      },
    });
  gaugeFrom('jobs', 'Jobs in the queue by type and state', ['type', 'state'] as const, async (g) => {
    for (const row of await sources.jobDepth()) g.set({ type: row.type, state: row.status }, row.count);
  });
  gaugeFrom('roster_sync_lag_seconds', 'Age of the oldest last successful roster sync over every course with an NRPS endpoint', [] as const, async (g) => {
    const { oldestAgeSeconds } = await sources.rosterSyncLag();
    if (oldestAgeSeconds !== null) g.set(oldestAgeSeconds);
  });
  gaugeFrom('roster_never_synced_courses', 'Courses with an NRPS endpoint whose roster never synced', [] as const, async (g) => {
    g.set((await sources.rosterSyncLag()).neverSynced);
  });
  gaugeFrom('score_publish_lag_seconds', 'Age of the oldest last successful gradebook publish over every published course with publishing on', [] as const, async (g) => {
    const lag = await sources.scorePublishLag();
    if (lag !== null) g.set(lag);
  });

  return {
    /** Records one answered request (called when the response has finished). */
    observeRequest(req: Request, res: Response, seconds: number): void {
      requestSeconds.observe({ method: req.method, route: routePatternOf(req), status_class: `${Math.floor(res.statusCode / 100)}xx` }, seconds);
    },
    countError(source: 'http' | 'job', errorClass: string): void {
      errors.inc({ source, class: errorClass.slice(0, 60) });
    },
    /** The exposition text and its content type. */
    async scrape(): Promise<{ contentType: string; body: string }> {
      // Merged per scrape: a merge copies the metrics registered so far.
      const exposed = Registry.merge([processMetrics(), registry]);
      return { contentType: exposed.contentType, body: await exposed.metrics() };
    },
  };
}
export type Metrics = ReturnType<typeof createMetrics>;
