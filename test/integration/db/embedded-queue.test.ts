import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { openDatabase, queryRows, type Database } from '../../../src/db/client.js';
import { QueryOutsideOwnTransaction } from '../../../src/db/scoped-connections.js';
import { asSystem } from '../../../src/db/tenant-scope.js';

/**
 * The embedded database has one connection: a transaction holds it until it ends. A query the same flow
 * sends through the database handle meanwhile would wait for it forever (and every request with it);
 * it is refused at once instead, while another flow's query just waits its turn.
 */
describe('the embedded database: a query outside its own open transaction', function () {
  this.timeout(30_000);
  let database: Database;

  before(async () => {
    database = await openDatabase({});
    await database.migrate();
  });
  after(async () => database.close());

  const one = async () => (await queryRows<{ n: number }>(database.db, sql`select 1 as n`))[0]!.n;

  it('is refused at once, and the transaction rolls back, instead of waiting forever', async () => {
    const outcome = await asSystem('tool', () =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`create temporary table held (n int)`);
        await tx.execute(sql`insert into held values (1)`);
        // The bug this guards against: a read through `db` where `tx` was meant.
        await one();
      }),
    ).then(
      () => 'committed',
      (err: unknown) => err,
    );
    // drizzle wraps the driver's error: ours is its cause.
    expect((outcome as Error).cause ?? outcome).to.be.instanceOf(QueryOutsideOwnTransaction);
    const left = await asSystem('tool', () => queryRows<{ n: string }>(database.db, sql`select count(*) as n from pg_tables where tablename = 'held'`));
    expect(Number(left[0]!.n), 'the transaction rolled back').to.equal(0);
  });

  it("lets another flow's query wait its turn, and a timer started inside the transaction query after it ends", async () => {
    let release!: () => void;
    const gate = new Promise<void>((resolve) => (release = resolve));
    let later: Promise<number> | undefined;
    const holding = asSystem('tool', () =>
      database.db.transaction(async (tx) => {
        await tx.execute(sql`select 1`);
        later = new Promise((resolve, reject) => setTimeout(() => void one().then(resolve, reject), 300));
        await gate;
      }),
    );
    const other = asSystem('tool', () => one());
    setTimeout(release, 100);
    await holding;
    expect(await other).to.equal(1);
    expect(await later).to.equal(1);
  });
});
