import { latencyRows, type BenchSection } from '../bench.js';
import { getPage, PAGE_BENCH, postForm, samplePage, seedAdvisory } from '../advisory.js';
import { loadShippedFields } from '../../../src/custom-fields/custom-fields.kind.js';

/**
 * A student's success plan as the advisor opens it from the caseload, with every adult-written
 * field filled in and a revision history behind it, and saving one plan field through its section's form (version check,
 * revision, audit) over loopback HTTP.
 */
export const section: BenchSection = {
  name: 'plan',
  async run(env) {
    const { ltik, students } = await seedAdvisory(env, PAGE_BENCH.students);
    const student = students[0]!;
    const plan = `/students/${student.id}/plan`;
    const adultFields = env.app.ctx.plans.template.sections.flatMap((sec) => sec.fields.filter((f) => f.edit !== 'student').map((f) => ({ ...f, section: sec.key })));
    const section = new Map(adultFields.map((f) => [f.key, f.section]));
    // Each field's words carry their own version, as the page's `version.<field>` inputs do.
    const versions = new Map<string, number>();
    const saveField = async (field: string, text: string) => {
      const version = versions.get(field) ?? 0;
      await postForm(env, ltik, `${plan}/fields`, { section: section.get(field)!, voice: 'adult', [`text.${field}`]: text, [`version.${field}`]: String(version) });
      versions.set(field, version + 1);
    };
    for (const f of adultFields) await saveField(f.key, `Bench words for ${f.label}, written by the advisor with some detail.`);
    env.progress(`filled ${adultFields.length} plan fields`);
    const pageSamples = await samplePage(() => getPage(env, ltik, plan, student.name));
    let n = 0;
    const saveSamples = await samplePage(() => saveField('supports', `Tutoring on Tuesdays, revision ${n++}`));
    // The same page and save once the school publishes its own template (issue 14): three more fields and
    // two validation rules, read through the configuration feature's cache and checked on every save.
    const tpl = env.app.ctx.plans.template;
    const custom = {
      ...tpl,
      sections: tpl.sections.map((sec, i) =>
        i === 1
          ? {
              ...sec,
              fields: [
                ...sec.fields,
                { key: 'pathway', label: 'Pathway', type: 'picklist' as const, edit: 'adult' as const, see: ['adult' as const], options: [{ value: 'college', label: 'College' }, { value: 'trade', label: 'Trade' }] },
                { key: 'service-hours', label: 'Hours of service', type: 'number' as const, edit: 'adult' as const, see: ['adult' as const] },
                { key: 'needs-iep', label: 'Has an IEP', type: 'yesno' as const, edit: 'adult' as const, see: ['adult' as const] },
              ],
            }
          : sec,
      ),
      rules: [
        { key: 'hours-cap', field: 'service-hours', when: '{">": [{"var": "service-hours"}, 500]}', message: 'Too many hours' },
        { key: 'supports-say-why', field: 'supports', when: '{"and": [{"==": [{"var": "needs-iep"}, true]}, {"==": [{"var": "supports"}, ""]}]}', message: 'Name the supports' },
      ],
    };
    const admin = { tenantId: student.tenantId, personId: student.id, name: 'bench', role: 'admin' as const, contextId: null, contextTitle: '', contextKind: null, menteeIds: [] };
    const draft = await env.app.ctx.configuration.saveDraft(admin, 'plan-template', { body: custom, edits: null });
    await env.app.ctx.configuration.publish(admin, 'plan-template', draft.version);
    const customPage = await samplePage(() => getPage(env, ltik, plan, student.name));
    const customSave = await samplePage(() => saveField('supports', `Tutoring on Tuesdays, revision ${n++}`));
    // The school's own fields on the student, beside the plan (issue 14 item 2): the pages above drew the
    // shipped ones (three, two of them the advisor reads); the same page once the school has none, and a
    // save of one of them (version check, rules, revision, audit).
    const publishFields = async (body: unknown) => {
      const d = await env.app.ctx.configuration.saveDraft(admin, 'custom-fields', { body, edits: null });
      await env.app.ctx.configuration.publish(admin, 'custom-fields', d.version);
    };
    await publishFields({ layouts: [] });
    const noFieldsPage = await samplePage(() => getPage(env, ltik, plan, student.name));
    await publishFields(loadShippedFields());
    let detailsVersion = 0;
    const fieldsSave = await samplePage(async () => {
      await postForm(env, ltik, `${plan}/details`, { 'text.strengths-to-build-on': `Curious, asks for help, revision ${n++}`, 'version.strengths-to-build-on': String(detailsVersion) });
      detailsVersion++;
    });
    return [
      ...latencyRows(`plan page (${adultFields.length} fields filled, the student's shipped fields of the school's own)`, pageSamples),
      ...latencyRows('save a plan field (version check + revision + audit)', saveSamples),
      ...latencyRows("plan page, the school's own template (+3 fields, 2 rules)", customPage),
      ...latencyRows("save a plan field, the school's own template (rules checked)", customSave),
      ...latencyRows("plan page, no fields of the school's own on the student", noFieldsPage),
      ...latencyRows("save a field of the school's own on the student", fieldsSave),
    ];
  },
};
