import { expect } from 'chai';
import { addDays } from '../../../src/web/days.js';
import { bandIndex, computeIndicators, gpaPoints, mondayOf, suggestTier, weeklyTrends, type AttendanceStatus, type IndicatorInput } from '../../../src/indicators/compute.js';
import { badgesOf, describeReason, pulseFact, studentView } from '../../../src/indicators/describe.js';
import { loadIndicatorConfigIn } from '../../../src/indicators/indicators.schemas.js';
import { locales } from '../../../src/web/i18n.js';

const docs = loadIndicatorConfigIn(locales);
const config = docs.en!;
const today = '2026-03-20'; // a Friday; the school year started 2025-08-01

/** Weekdays from `from` to `to`. */
function schoolDays(from: string, to: string): string[] {
  const out: string[] = [];
  for (let d = from; d <= to; d = addDays(d, 1)) if (![0, 6].includes(new Date(`${d}T00:00:00Z`).getUTCDay())) out.push(d);
  return out;
}
/** Every weekday of the year present, except the listed days with their status. */
function attendance(except: Record<string, AttendanceStatus> = {}, from = '2025-08-04'): IndicatorInput['attendance'] {
  return schoolDays(from, today).map((day) => ({ day, status: except[day] ?? 'present' }));
}
const empty: IndicatorInput = { attendance: [], incidents: [], scores: [], wellbeing: [], pulse: [] };
const recentDays = schoolDays(addDays(today, -29), today); // 22 weekdays
const compute = (input: Partial<IndicatorInput>) => computeIndicators({ ...empty, ...input }, config, today);
const absentOn = (days: string[], status: AttendanceStatus = 'absent') => Object.fromEntries(days.map((d) => [d, status]));
const score = (courseKey: string, currentScore: number | null, observedOn: string | null = today, extra: Partial<IndicatorInput['scores'][number]> = {}) => ({ source: 'canvas', courseKey, courseTitle: `Course ${courseKey}`, periodKey: '', currentScore, observedOn, ...extra });

describe('indicators: computation', () => {
  it('bands: atLeast and atMost thresholds, edges included in the better band', () => {
    expect([96, 95, 94.9, 90, 85, 80, 79.9, 0].map((v) => bandIndex(v, { atLeast: [95, 90, 80] }))).to.deep.equal([0, 0, 1, 1, 2, 2, 3, 3]);
    expect([0, 0.1, 2, 2.1, 5, 5.1, 100].map((v) => bandIndex(v, { atMost: [0, 2, 5] }))).to.deep.equal([0, 1, 1, 2, 2, 3, 3]);
    expect([95, 89.9, 70, 61, 59].map((s) => gpaPoints(s, config.grades.gpa))).to.deep.equal([4, 3, 2, 1, 0]);
  });

  it('attendance: school days are days with a record; tardy counts as attended, excused as missed; year to date and last 30 days', () => {
    const r = compute({ attendance: attendance({ ...absentOn(recentDays.slice(0, 3)), [recentDays[3]!]: 'excused', [recentDays[4]!]: 'tardy' }) });
    expect(r.recentFrom).to.equal('2026-02-19');
    expect(r.yearFrom).to.equal('2025-08-01');
    expect(r.attendance.recent).to.deep.equal({ schoolDays: 22, attended: 18, missed: 4, percent: 81.8 });
    expect(r.attendance.year.schoolDays).to.equal(165);
    expect(r.attendance.year.missed).to.equal(4);
    expect(r.bands.attendance).to.equal('at-risk');
    // Last year's records do not count in this year's rate.
    expect(compute({ attendance: [{ day: '2025-05-01', status: 'absent' }, ...attendance()] }).attendance.year.percent).to.equal(100);
  });

  it('chronic absence: missing 10% or more this year AND in the recent window; a student who recovered is not flagged', () => {
    const autumn = schoolDays('2025-09-01', '2025-11-14'); // 55 days absent in the autumn: > 10% of the year
    const recovered = compute({ attendance: attendance(absentOn(autumn)) });
    expect(recovered.attendance.missedPercentYear).to.be.greaterThan(10);
    expect(recovered.attendance.chronicAbsence).to.equal(false);
    const still = compute({ attendance: attendance(absentOn([...autumn, ...recentDays.slice(0, 3)])) });
    expect(still.attendance.chronicAbsence).to.equal(true);
    // 3 of 22 recent days is 13.6%: attendance 86.4%, at risk.
    expect(suggestTier(still, config).reasons.map((r) => r.rule)).to.deep.equal(['attendance-at-risk', 'chronic-absence']);
  });

  it('too few recent school days: no attendance or behaviour band, so no flag and a reason that says so', () => {
    const r = compute({ attendance: [{ day: today, status: 'absent' }, { day: addDays(today, -1), status: 'absent' }] });
    expect(r.attendance.recent.percent).to.equal(0);
    expect(r.bands.attendance).to.equal(null);
    expect(suggestTier(r, config)).to.deep.equal({ tier: 1, reasons: [{ rule: 'not-enough-data', tier: 1, key: 'notEnoughData', params: { days: 30 } }] });
  });

  it('behaviour: % of school days with an incident (several on one day count once), suspensions in days', () => {
    const incidents = [
      { day: recentDays[1]!, suspensionDays: null },
      { day: recentDays[1]!, suspensionDays: 1 },
      { day: '2025-10-01', suspensionDays: 2 },
    ];
    const r = compute({ attendance: attendance(), incidents });
    expect(r.behaviour.recent).to.deep.equal({ schoolDays: 22, incidents: 2, incidentDays: 1, percent: 4.5, suspensions: 1, suspensionDays: 1 });
    expect(r.behaviour.year).to.include({ incidents: 3, incidentDays: 2, suspensions: 2, suspensionDays: 3 });
    expect(r.bands.behaviour).to.equal('at-risk');
    const tier = suggestTier(r, config);
    expect(tier.tier).to.equal(3);
    expect(tier.reasons.map((x) => x.rule)).to.deep.equal(['suspended', 'behaviour-at-risk']);
  });

  it('behaviour recovers within the year: an old incident raises no flag', () => {
    const r = compute({ attendance: attendance(), incidents: [{ day: '2025-10-01', suspensionDays: 3 }] });
    expect(r.bands.behaviour).to.equal('on-track');
    expect(suggestTier(r, config)).to.deep.equal({ tier: 1, reasons: [{ rule: 'no-flags', tier: 1, key: 'noFlags', params: { days: 30 } }] });
  });

  it('grading periods observed the same day: the later period wins, numbered ids in number order', () => {
    const r = compute({ scores: [score('hist', 90, today, { periodKey: '99' }), score('hist', 70, today, { periodKey: '100' })] });
    expect(r.grades.courses.map((c) => c.score)).to.deep.equal([70]);
  });

  it('course performance: the latest score per course, failing, lowest, GPA; stale courses show but raise no flag', () => {
    const r = compute({
      scores: [
        score('alg', 72, '2026-03-01'),
        score('alg', 55, today, { periodKey: 'q3' }),
        score('bio', 91),
        score('art', 85, '2026-03-19'),
        score('old', 20, '2025-12-01'),
        score('none', null),
      ],
    });
    expect(r.grades.courses.map((c) => [c.courseKey, c.score, c.failing, c.recent])).to.deep.equal([
      ['old', 20, true, false],
      ['alg', 55, true, true],
      ['art', 85, false, true],
      ['bio', 91, false, true],
    ]);
    expect(r.grades.failing).to.equal(1);
    expect(r.grades.lowest?.courseKey).to.equal('alg');
    expect(r.grades.gpa).to.equal(2.33); // (0 + 3 + 4) / 3
    expect(r.bands.grades).to.equal('off-track');
    expect(suggestTier(r, config).reasons.map((x) => x.rule)).to.deep.equal(['failing-one', 'grades-at-risk']);
  });

  it('well-being: the average of recent check-in ratings', () => {
    const r = compute({ wellbeing: [{ date: '2026-01-05', rating: 1 }, { date: '2026-03-02', rating: 2 }, { date: '2026-03-16', rating: 3 }] });
    expect(r.wellbeing).to.deep.equal({ count: 2, average: 2.5, latest: { date: '2026-03-16', rating: 3 } });
    expect(r.bands.wellbeing).to.equal('at-risk');
  });

  it('pulse: this school year\'s responses and the latest, worded as one fact; no band and no tier from it', () => {
    // Last school year's response (before 2025-08-01) and one after today do not count.
    const r = compute({ pulse: [{ date: '2025-06-01', score: 1 }, { date: '2026-03-10', score: 3.8 }, { date: '2025-11-12', score: 2.4 }, { date: '2026-03-25', score: 5 }] });
    expect(r.pulse).to.deep.equal({ count: 2, latest: { date: '2026-03-10', score: 3.8 } });
    expect(pulseFact(r, 'en')).to.deep.equal({ label: 'Belonging pulse', value: '3.8 of 5 (Mar 10)' });
    expect(pulseFact(r, 'es')!.value).to.equal('3.8 de 5 (10 mar)');
    expect(pulseFact(compute({}), 'en')).to.equal(null);
    const low = compute({ pulse: [{ date: today, score: 1 }] });
    expect(suggestTier(low, config)).to.deep.equal(suggestTier(compute({}), config));
  });

  it('tier: the highest rule wins; two indicators at risk at once is tier 3; reasons highest tier first', () => {
    const r = compute({ attendance: attendance(absentOn(recentDays.slice(0, 4))), wellbeing: [{ date: today, rating: 2 }] });
    const tier = suggestTier(r, config);
    expect(tier.tier).to.equal(3);
    expect(tier.reasons.map((x) => [x.rule, x.tier])).to.deep.equal([['several-at-risk', 3], ['attendance-at-risk', 2], ['wellbeing-low', 2]]);
  });

  it('reasons in words, in English and Spanish', () => {
    const r = compute({ attendance: attendance(absentOn(recentDays.slice(0, 3))), scores: [score('alg', 55), score('bio', 48)] });
    const tier = suggestTier(r, config);
    expect(tier.reasons.map((x) => describeReason(x, docs.en!, 'en'))).to.deep.equal([
      'failing 2 courses (below 60%)',
      '2 indicators at risk or off track at once',
      'attended 86.4% of days in the last 30 (at risk)',
      'lowest current score 48% in Course bio (off track)',
    ]);
    expect(tier.reasons.map((x) => x.rule)).to.deep.equal(['failing-several', 'several-at-risk', 'attendance-at-risk', 'grades-at-risk']);
    // Numbers in the language's Intl tag (config/locales/es/language.json: es-US, a decimal point).
    expect(describeReason(tier.reasons[2]!, docs.es!, 'es')).to.equal('asistió al 86.4% de los días en los últimos 30 (en riesgo)');
    expect(describeReason({ key: 'indicatorsInBands', params: { count: 2, bands: ['at-risk', 'off-track'] } }, docs.en!, 'en')).to.equal('2 indicators at risk or off track at once');
    expect(describeReason({ key: 'suspension', params: { count: 1.5, days: 30 } }, docs.es!, 'es')).to.equal('suspendido 1.5 días en los últimos 30');
  });

  it('badges: one per indicator, with the band and a sentence for screen readers', () => {
    const r = compute({ attendance: attendance(absentOn(recentDays.slice(0, 3))) });
    const badges = badgesOf(r, docs.en!, 'en');
    expect(badges.map((b) => b.indicator)).to.deep.equal(['attendance', 'behaviour', 'grades', 'wellbeing']);
    expect(badges[0]).to.deep.include({ band: 'at-risk', level: 2, value: '86.4% attended', text: 'Attendance: 86.4% attended (at risk)' });
    expect(badges[1]).to.deep.include({ band: 'on-track', level: 0 });
    expect(badges[2]).to.deep.include({ band: null, level: null, text: 'Course grades: no recent data' });
    expect(badgesOf(r, docs.es!, 'es')[0]!.text).to.equal('Asistencia: asistió 86.4% (en riesgo)');
  });

  it("the student's own view: strengths first, plain words, no band or tier", () => {
    const r = compute({ attendance: attendance(absentOn(recentDays.slice(0, 3))), scores: [score('alg', 55), score('bio', 91)], wellbeing: [{ date: today, rating: 4 }] });
    const v = studentView(r, docs.en!, 'en');
    expect(v.strengths.map((s) => s.text)).to.deep.equal(['No incidents in the last 30 days. Well done!', 'Your strongest course right now: Course bio (91%).', 'You have been feeling good at your check-ins (4 out of 5).']);
    expect(v.focus.map((s) => s.text)).to.deep.equal([
      'You came to school on 86.4% of days in the last 30 days. Every day you are here counts, and your advisor can help.',
      '1 course is below passing right now. Your teachers and advisor can help you catch up.',
      'Course alg (55%) is the course to focus on next.',
    ]);
    const all = [...v.strengths, ...v.focus].map((s) => s.text).join(' ');
    expect(all).not.to.match(/at risk|off track|tier/i);
    expect(studentView(compute({}), docs.es!, 'es')).to.deep.equal({ strengths: [], focus: [], empty: true });
  });

  it('weekly trends: every week from Monday, nulls where a week has no data', () => {
    const weeks = weeklyTrends(
      {
        attendance: attendance({ '2026-03-03': 'absent' }, '2026-03-02'),
        incidents: [{ day: '2026-03-10', suspensionDays: null }],
        wellbeing: [{ date: '2026-03-04', rating: 4 }],
        scoreDays: [
          { source: 'canvas', courseKey: 'a', day: '2026-03-02', currentScore: 70 },
          { source: 'canvas', courseKey: 'a', day: '2026-03-05', currentScore: 80 },
          { source: 'canvas', courseKey: 'b', day: '2026-03-04', currentScore: 90 },
        ],
      },
      config,
      '2026-02-25',
      today,
    );
    expect(mondayOf('2026-03-08')).to.equal('2026-03-02');
    expect(weeks.map((w) => w.week)).to.deep.equal(['2026-02-23', '2026-03-02', '2026-03-09', '2026-03-16']);
    expect(weeks[0]).to.deep.equal({ week: '2026-02-23', attendancePercent: null, incidentDays: 0, averageScore: null, wellbeing: null });
    expect(weeks[1]).to.deep.equal({ week: '2026-03-02', attendancePercent: 80, incidentDays: 0, averageScore: 85, wellbeing: 4 });
    expect(weeks[2]).to.include({ attendancePercent: 100, incidentDays: 1 });
  });
});
