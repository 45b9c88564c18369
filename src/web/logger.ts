import { pino, type Logger } from 'pino';

export type { Logger };

/**
 * JSON logs. Student data never belongs in a log line: callers log ids, never names or text,
 * and the redact list catches the usual suspects if someone slips.
 */
export function createLogger(level: string, destination?: NodeJS.WritableStream): Logger {
  return pino(
    {
      level,
      base: undefined,
      redact: {
        paths: ['*.name', '*.email', '*.note', '*.text', '*.body', 'req.headers.authorization', 'req.headers.cookie', '*.id_token', '*.ltik'],
        censor: '[redacted]',
      },
    },
    destination as pino.DestinationStream | undefined,
  );
}

/**
 * What a log line may say about an error: its class and code. Never its message or stack: a
 * database error's message carries the query's parameters (record text, names).
 */
export function safeError(err: unknown): { name: string; code?: string } {
  const e = err as { code?: unknown; cause?: { code?: unknown } } | undefined;
  const code = typeof e?.code === 'string' ? e.code : typeof e?.cause?.code === 'string' ? e.cause.code : undefined;
  return { name: err instanceof Error ? err.constructor.name : typeof err, ...(code && { code }) };
}
