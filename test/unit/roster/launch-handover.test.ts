import { expect } from 'chai';
import { createLaunchHandover } from '../../../src/roster/launch-handover.js';
import type { LaunchRows } from '../../../src/roster/roster.service.js';

const tenantId = '00000000-0000-4000-8000-000000000001';
const rows = (personId: string, contextId: string | null): LaunchRows =>
  ({
    person: { id: personId, name: 'A student' },
    context: contextId ? { id: contextId, title: 'Advisory 9A', kind: 'advisory' } : null,
    membership: contextId ? { status: 'active', mentees: [] } : null,
  }) as unknown as LaunchRows;

/** The launch hands its rows to the landing request: once, briefly, for that person and course only. */
describe('launch handover', () => {
  it('the landing request takes the rows once; the next request reads them again', () => {
    const h = createLaunchHandover(() => 1_000);
    h.put(tenantId, rows('p1', 'c1'));
    const taken = h.take(tenantId, 'p1', 'c1');
    expect(taken?.context).to.deep.equal({ title: 'Advisory 9A', kind: 'advisory' });
    expect(taken?.membership).to.deep.equal({ status: 'active', mentees: [] });
    expect(h.take(tenantId, 'p1', 'c1')).to.equal(undefined);
  });

  it('another person, course or tenant gets nothing', () => {
    const h = createLaunchHandover(() => 1_000);
    h.put(tenantId, rows('p1', 'c1'));
    expect(h.take(tenantId, 'p2', 'c1')).to.equal(undefined);
    expect(h.take(tenantId, 'p1', 'c2')).to.equal(undefined);
    expect(h.take(tenantId, 'p1', null)).to.equal(undefined);
    expect(h.take('00000000-0000-4000-8000-000000000002', 'p1', 'c1')).to.equal(undefined);
  });

  it('rows older than a few seconds are not used', () => {
    let now = 1_000;
    const h = createLaunchHandover(() => now);
    h.put(tenantId, rows('p1', null));
    now += 10_001;
    expect(h.take(tenantId, 'p1', null)).to.equal(undefined);
  });
});
