/** Injected so tests can move time (token expiry, overdue check-ins) without waiting. */
export interface Clock {
  now(): Date;
}
export const systemClock: Clock = { now: () => new Date() };
