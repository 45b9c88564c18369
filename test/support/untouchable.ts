import type { Db } from '../../src/db/client.js';

/** Thrown when a service reads or writes its data before the student-record gate refused the caller. */
export class TouchedBeforeGate extends Error {}

/**
 * A database that fails on any use. A service built on it, with the real gate (on the real
 * database), shows that the gate refuses a stranger before the service touches its own data:
 * a refusal comes out as the gate's 404/403, any earlier query as TouchedBeforeGate.
 */
export function untouchableDb(): Db {
  return new Proxy({} as Db, {
    get(_target, prop) {
      // Promise-resolution and inspection probe `then`/symbols: answering them is not a query.
      if (prop === 'then' || typeof prop === 'symbol') return undefined;
      throw new TouchedBeforeGate(`the service used db.${String(prop)} before the gate decided`);
    },
  });
}
