import pino, { type Logger } from 'pino';

/** Paths that may hold secrets or prompt bodies; pino replaces them before serialising. */
export const REDACTED_PATHS = [
  'credential',
  'apiKey',
  'key',
  'secret',
  'headers.authorization',
  'headers["api-key"]',
  'headers["x-api-key"]',
  'headers["x-goog-api-key"]',
  '*.apiKey',
  '*.credential',
  'body',
  'messages',
];

export function createLogger(level: string): Logger {
  return pino({
    level,
    redact: { paths: REDACTED_PATHS, censor: '[redacted]' },
    base: { service: 'converge' },
  });
}
