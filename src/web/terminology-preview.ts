import { sampleStudent, type PreviewPage, type PreviewView } from '../configuration/configuration.kinds.js';
import { labelOf, shippedLabels, t } from './i18n.js';

/** A goal's statuses as its pages name them (`proposed`: a student's draft waiting for approval), and a referral's states. */
const goalStatuses = Object.keys(shippedLabels('goals.statuses'));
const referralStates = Object.keys(shippedLabels('referrals.state'));

/**
 * The terminology's preview: a sample page in the document's words (drawn under them, `wordsOf`, so every
 * `t` here and in the views speaks the draft's): for the adults, the student's navigator page heading and
 * who it is now; for both, the student's goals with each status (the real goal-list partial) and their
 * referrals with each state, the student's plain words or the adults' labels (the real referral-list
 * partial). Sample goals and referrals link nowhere.
 */
export function terminologyPreview({ locale, audience }: PreviewView): PreviewPage {
  const isStudent = audience === 'student';
  const category = labelOf('supports.category', 'academic', locale);
  const goals = goalStatuses.map((code, i) => ({
    statement: t('configuration.preview.sampleGoal', { n: i + 1 }, locale),
    categoryLabel: labelOf('goals.categories', 'academic', locale),
    status: code === 'proposed' ? 'draft' : code,
    statusLabel: t(`goals.statuses.${code}`, {}, locale),
  }));
  const referrals = referralStates.map((code) => ({
    supportName: t('configuration.preview.sampleSupport', {}, locale),
    categoryLabel: category,
    stateLabel: t(`referrals.${isStudent ? 'studentState' : 'state'}.${code}`, {}, locale),
    urgencyLabel: t('referrals.urgency.routine', {}, locale),
  }));
  // The adults' own line of dates and flags links to each referral's timeline: left out, the samples have none.
  return { view: 'configuration/terminology-preview', model: { isStudent, student: sampleStudent(locale), adultName: t('configuration.preview.sampleAdult', {}, locale), goals, referrals } };
}
