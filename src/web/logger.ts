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
