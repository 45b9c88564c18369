import { latencyRows, type BenchSection } from '../bench.js';
import { getPage, PAGE_BENCH, postForm, samplePage, seedAdvisory } from '../advisory.js';

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
    return [...latencyRows(`plan page (${adultFields.length} fields filled)`, pageSamples), ...latencyRows('save a plan field (version check + revision + audit)', saveSamples)];
  },
};
