import { expect } from 'chai';
import { loadPlanTemplate, parsePlanTemplate, PlanTemplateError, schoolYearParam } from '../../../src/plans/plans.schemas.js';

describe('plan template: what a new school year starts from', () => {
  it('the shipped template carries the fields about the student and hands over the transition section', () => {
    const template = loadPlanTemplate();
    const fields = template.sections.flatMap((s) => s.fields);
    expect(fields.filter((f) => f.carry === true).map((f) => f.key)).to.have.members(['strengths', 'what-matters', 'interests', 'how-teachers-help', 'trusted-adult', 'careers', 'after-high-school', 'belonging', 'give-back']);
    expect(template.sections.filter((s) => s.handover === true).map((s) => s.key)).to.deep.equal(['transition']);
  });

  it('refuses a field both carried and handed over, and a carry that is not true or false', () => {
    const field = { key: 'next-year', label: 'Next', type: 'long', edit: 'both', see: ['student', 'adult'] };
    expect(() => parsePlanTemplate({ name: 't', sections: [{ key: 's', title: 'S', handover: true, fields: [{ ...field, carry: true }] }] })).to.throw(PlanTemplateError, '"next-year" is in a handover section');
    expect(() => parsePlanTemplate({ name: 't', sections: [{ key: 's', title: 'S', fields: [{ ...field, carry: 'yes' }] }] })).to.throw(PlanTemplateError, 'sections.0.fields.0.carry');
  });

  it('reads a school year in a URL as the plans name it', () => {
    for (const ok of ['2025-2026', '2026']) expect(schoolYearParam.safeParse(ok).success, ok).to.equal(true);
    for (const bad of ['2025-2027', '2025-26', '2025/2026', '202-2026', '']) expect(schoolYearParam.safeParse(bad).success, bad).to.equal(false);
  });
});
