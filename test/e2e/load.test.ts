import { expect } from 'chai';
import { runLoad } from '../load/run-load.js';

/**
 * `npm run load` at CI size: the tool started as `npm start` starts it (on PGlite, as the browser tests
 * do), full launches and page views through the LMS simulator for a few seconds, every one answered.
 */
describe('npm run load at CI size', function () {
  this.timeout(120_000);

  it('drives launches, caseloads and plan pages with no error, and reports latency, memory and the CPU profile', async () => {
    const report = await runLoad({
      scenario: 'mixed',
      clients: 4,
      rate: 0,
      durationSeconds: 3,
      runner: 'tsx',
      cpuProf: true,
      logLevel: 'warn',
      progress: () => undefined,
    });
    expect(report.errorKinds).to.deep.equal([]);
    expect(report.errors).to.equal(0);
    expect(report.driver).to.equal('pglite');
    expect(report.operations.map((o) => o.operation)).to.deep.equal(['launch', 'caseload', 'plan']);
    for (const o of report.operations) {
      expect(o.count, o.operation).to.be.greaterThan(0);
      expect(o.p50, o.operation).to.be.greaterThan(0);
      expect(o.p50).to.be.at.most(o.p95);
      expect(o.p95).to.be.at.most(o.p99);
    }
    // The mixed cycle asks for two caseloads per launch.
    const count = (op: string) => report.operations.find((o) => o.operation === op)!.count;
    expect(count('caseload')).to.be.within(2 * count('launch') - 4, 2 * count('launch') + 4);
    // elapsedSeconds is rounded to a tenth of a second, throughput was computed before rounding.
    const expected = report.completed / report.elapsedSeconds;
    expect(report.throughput).to.be.closeTo(expected, expected * 0.03);
    // A real process's resident memory, read from /proc: tens of megabytes at least.
    expect(report.memory.restBeforeMb).to.be.greaterThan(40);
    expect(report.memory.peakMb).to.be.at.least(report.memory.restBeforeMb);
    // The tool worked for the load: CPU time from /proc, a few milliseconds or more per operation.
    expect(report.cpu.seconds).to.be.greaterThan(0);
    expect(report.cpu.msPerOperation).to.be.greaterThan(1);
    const profile = report.profile!;
    // One per thread: the tool, and under tsx its module-loader thread.
    expect(profile.files).to.be.at.least(1);
    expect(profile.entries.length).to.be.greaterThan(5);
    expect(profile.entries.some((e) => e.functionName === '(idle)')).to.equal(false);
    const share = profile.entries.reduce((s, e) => s + e.percent, 0);
    expect(share).to.be.greaterThan(0).and.at.most(100.01);
  });
});
