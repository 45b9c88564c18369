import { expect } from 'chai';
import { loadPlanTemplate, parsePlanTemplate, PlanTemplateError } from '../../../src/plans/plans.schemas.js';

describe('plan template: what is shared with teachers of subject courses', () => {
  it('the shipped template shares strengths, interests, how teachers can help and supports, and nothing adult-only', () => {
    const fields = loadPlanTemplate().sections.flatMap((s) => s.fields);
    expect(fields.filter((f) => f.see.includes('teacher')).map((f) => f.key)).to.have.members(['strengths', 'interests', 'how-teachers-help', 'supports']);
    for (const f of fields.filter((x) => x.see.includes('teacher'))) expect(f.see, f.key).to.include('student');
  });

  it('refuses a template that shows teachers a field the student cannot see', () => {
    const template = {
      name: 't',
      sections: [{ key: 's', title: 'S', fields: [{ key: 'adult-notes', label: 'Notes', type: 'long', edit: 'adult', see: ['adult', 'teacher'] }] }],
    };
    expect(() => parsePlanTemplate(template)).to.throw(PlanTemplateError, '"adult-notes" is shared with teachers but not with the student');
  });
});
