import { expect } from 'chai';
import { retryAfterMs, sendWithBackoff } from '../../../src/connectors/http-backoff.js';
import { ConnectorError } from '../../../src/connectors/connector.js';
import { TestClock } from '../../support/clock.js';

describe('connectors: backoff within a run', () => {
  const clock = new TestClock(new Date('2026-10-15T15:00:00Z'));
  const waits: number[] = [];
  const backoff = { attempts: 4, baseDelayMs: 1000, maxDelayMs: 20_000, timeoutMs: 1000, sleep: async (ms: number) => void waits.push(ms) };
  beforeEach(() => (waits.length = 0));

  it('reads Retry-After as seconds or as an HTTP date', () => {
    expect(retryAfterMs('7', clock)).to.equal(7000);
    expect(retryAfterMs(new Date(clock.now().getTime() + 3000).toUTCString(), clock)).to.equal(3000);
    expect(retryAfterMs('soon', clock)).to.equal(undefined);
    expect(retryAfterMs(null, clock)).to.equal(undefined);
  });

  it('retries 5xx and no answer with growing waits, then gives up as unavailable', async () => {
    let n = 0;
    const err = await sendWithBackoff(
      async () => {
        n++;
        if (n % 2) throw new TypeError('fetch failed');
        return new Response('', { status: 502 });
      },
      backoff,
      clock,
    ).catch((e: unknown) => e);
    expect(err).to.be.instanceOf(ConnectorError);
    expect((err as ConnectorError).kind).to.equal('unavailable');
    expect(waits).to.deep.equal([1000, 2000, 4000]);
  });

  it('caps the wait a source asks for, and returns the first answer that is not 429 or 5xx', async () => {
    const answers = [new Response('', { status: 429, headers: { 'retry-after': '3600' } }), new Response('{}', { status: 404 })];
    const res = await sendWithBackoff(async () => answers.shift()!, backoff, clock);
    expect(res.status).to.equal(404);
    expect(waits).to.deep.equal([20_000]);
  });
});
