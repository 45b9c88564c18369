import type { SQLWrapper } from 'drizzle-orm';
import type { Db, DbOrTx } from '../db/client.js';
import type { AppUser } from '../auth/user.js';
import type { Clock } from '../web/clock.js';
import type { AuditService } from '../audit/audit.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { Relationship } from '../policies/student-record.js';
import { planAudience } from '../policies/plan.js';
import { t, type Locale } from '../web/i18n.js';
import { fieldErrors, InvalidInput, prefixed, sortFieldSaves, summaryOf, typedAnswers, type SummaryItem } from '../web/forms.js';
import { badRequest, message } from '../web/errors.js';
import { rulesBroken, shownValue } from '../plans/plan-template.js';
import { fieldsFormOf, type CustomFields, type RecordField, type RecordObject } from './custom-fields.schemas.js';
import { layoutIn } from './custom-fields.kind.js';
import * as repo from './custom-fields.repository.js';
import { changeView, fieldsNamed, type FieldChange } from './custom-fields.history.js';
import { factValue, isFactKind, sampleFact, type FactValue } from './custom-fields.facts.js';
import { fieldInputId, fieldView, readableBy, sectionsView, writableBy, type FieldsReader } from './custom-fields.presenter.js';

export type { FactValue } from './custom-fields.facts.js';
export type { FieldsReader } from './custom-fields.presenter.js';

/** A student's field the school's figures may group by, with its values in the reader's words. */
export interface StudentGrouping {
  key: string;
  label: string;
  values: { value: string; label: string }[];
}

/** A field on the student as an automation's condition may name it (`student.<key>`): `fact` false for words, which no rule reads. */
export interface StudentFactField {
  key: string;
  label: string;
  type: RecordField['type'];
  fact: boolean;
  /** A value of its kind, to try a condition on before it is saved. */
  sample: FactValue;
}

/** A record's place: which object, which record, whose. */
export interface RecordPlace {
  object: RecordObject;
  studentId: string;
  recordId: string;
}

/** What a record's fields form posted, by field key: the typed values and the versions the page loaded. */
export interface PostedFields {
  text: Record<string, string>;
  version: Record<string, string>;
}

/** A posted body's record fields: `text.<key>` (a multi-select's ticked `choice.<key>.<value>` joined) and `version.<key>`. */
export const postedFieldsOf = (body: unknown): PostedFields => ({ text: typedAnswers(body && typeof body === 'object' ? (body as Record<string, unknown>) : {}), version: prefixed(body, 'version') });

/** What a refused or partly refused save brings back to the record's page. */
export interface FieldsOutcome {
  typed: Record<string, string>;
  errors: Record<string, string>;
  conflicts: Map<string, { text: string; authorName: string; at: Date; version: number }>;
}

export interface CustomFieldsDeps {
  db: Db;
  clock: Clock;
  audit: AuditService;
  roster: RosterService;
  /** The school's fields in force (the `custom-fields` configuration document). */
  fieldsOf: (tenantId: string) => Promise<CustomFields>;
  /** Every document the school had in force before (and the shipped one), newest first: the words and readers of a field since dropped, for its history. */
  earlierFieldsOf: (tenantId: string) => Promise<CustomFields[]>;
}

/** The input a posted name of a record's fields (`text.<key>`) belongs to, for an error summary's link; undefined for any other name. */
export const recordFieldInputId = (name: string): string | undefined => (name.startsWith('text.') ? fieldInputId(name.slice('text.'.length)) : undefined);

/**
 * A school's own fields on students, goals, check-ins and referrals (issue 14 item 2). The feature that
 * owns a record gates it (404 for a stranger, its policy for who may read or change it) and says what
 * the person is to it; this service keeps each field's who-reads and who-writes, its kind of value,
 * the school's validation rules, and every change with its author.
 */
export function createCustomFieldsService(deps: CustomFieldsDeps) {
  const { db, clock, audit, roster } = deps;

  const layoutOf = async (tenantId: string, object: RecordObject, locale: Locale | undefined) => layoutIn(await deps.fieldsOf(tenantId), object, locale);
  /** The fields these keys name, in the reader's words, dropped ones too (see fieldsNamed). */
  const namedIn = async (tenantId: string, object: RecordObject, keys: readonly string[], locale: Locale | undefined) =>
    fieldsNamed(await deps.fieldsOf(tenantId), () => deps.earlierFieldsOf(tenantId), object, keys, locale);
  /**
   * Whether this reader reads a kept change of the record (its page then links to the history), from the
   * values the form read: every value is written with its revision, and retention and deletion take both,
   * so a value means a change is kept. Only a value of a field since dropped asks the earlier documents
   * who read it.
   */
  const hasHistory = async (tenantId: string, object: RecordObject, values: ReadonlyMap<string, unknown>, inForce: readonly RecordField[], readable: (f: RecordField) => boolean) => {
    if (inForce.some((f) => readable(f) && values.has(f.key))) return true;
    const current = new Set(inForce.map((f) => f.key));
    const dropped = [...values.keys()].filter((k) => !current.has(k));
    return dropped.length > 0 && [...(await namedIn(tenantId, object, dropped, undefined)).values()].some((k) => readable(k.field));
  };
  /** The student's own fields in force, in the reader's words. */
  const studentFields = async (tenantId: string, locale: Locale | undefined) => (await layoutOf(tenantId, 'student', locale)).sections.flatMap((s) => s.fields);

  return {
    /**
     * The record's fields this person reads, by section, each with its value, who wrote it and when,
     * and an input where they may write it (`outcome`: what a refused save brings back). Null when the
     * school has no field on this object this person reads.
     */
    async form(user: AppUser, place: RecordPlace, reader: FieldsReader, outcome?: FieldsOutcome) {
      const layout = await layoutOf(user.tenantId, place.object, user.locale);
      const readable = readableBy(reader);
      if (!layout.sections.some((s) => s.fields.some(readable))) return null;
      const values = new Map((await repo.valuesOf(db, { tenantId: user.tenantId, studentId: place.studentId, object: place.object }, [place.recordId])).map((v) => [v.fieldKey, v]));
      const names = await roster.namesOf(user.tenantId, [...values.values()].map((v) => v.authorId));
      const mayWrite = writableBy(reader);
      const sections = sectionsView(layout.sections, readable, (f) => {
        const saved = values.get(f.key);
        const conflict = outcome?.conflicts.get(f.key);
        return fieldView(f, user.locale, {
          text: outcome?.typed[f.key] ?? saved?.value ?? '',
          saved: saved?.value,
          canEdit: mayWrite(f),
          entry: saved ? { authorName: names.get(saved.authorId) || t('common.someone', {}, user.locale), updatedAt: saved.updatedAt } : null,
          // After a conflict the form carries the version now saved, so saving again is a deliberate overwrite.
          version: conflict?.version ?? saved?.version ?? 0,
          error: outcome?.errors[`text.${f.key}`],
          conflict,
        });
      });
      const errorSummary: SummaryItem[] = outcome ? summaryOf(outcome.errors, recordFieldInputId) : [];
      return { sections, canEdit: sections.some((s) => s.fields.some((f) => f.canEdit)), errorSummary, conflicted: (outcome?.conflicts.size ?? 0) > 0, hasHistory: await hasHistory(user.tenantId, place.object, values, layout.sections.flatMap((s) => s.fields), readable) };
    },

    /**
     * Every change to the record's fields this person reads (the same who-reads as the form; a field
     * since dropped by the readers the last document that had it gave it), newest first: the field's
     * label, the value before and after in words, who changed it and when. The owner has gated the
     * record; this is an audited read of it.
     */
    async history(user: AppUser, place: RecordPlace, reader: FieldsReader): Promise<FieldChange[]> {
      const ref = { tenantId: user.tenantId, ...place };
      const revisions = await repo.revisionsOf(db, ref);
      const known = await namedIn(user.tenantId, place.object, revisions.map((r) => r.fieldKey), user.locale);
      const readable = readableBy(reader);
      const shown = revisions.filter((r) => readable(known.get(r.fieldKey)!.field));
      const names = await roster.namesOf(user.tenantId, shown.map((r) => r.authorId));
      await audit.record(user, { action: 'read', entity: `${place.object}_fields_history`, entityId: place.recordId, studentId: place.studentId });
      return shown.map((r) => changeView(r, known.get(r.fieldKey)!, names.get(r.authorId) || t('common.someone', {}, user.locale), user.locale));
    },

    /**
     * The student's fields a school's figures may be grouped by: one value a student, from a closed list
     * (pick one, yes/no), each with its values in the reader's words. Every adult reads a student's field
     * (the safety floor), and the figures that use it are counts the reader's page suppresses under the
     * minimum group size.
     */
    async studentGroupings(tenantId: string, locale: Locale | undefined): Promise<StudentGrouping[]> {
      const fields = (await studentFields(tenantId, locale)).filter((f) => f.type === 'picklist' || f.type === 'yesno');
      return fields.map((f) => ({
        key: f.key,
        label: f.label,
        values: f.type === 'yesno' ? (['yes', 'no'] as const).map((v) => ({ value: v, label: shownValue(f, v, locale) })) : (f.options ?? []).map((o) => ({ value: o.value, label: o.label })),
      }));
    },

    /** Each student's value of one field (absent: none recorded). No gate and no audit: the caller's page has both. */
    async studentValues(tenantId: string, fieldKey: string, studentIds: readonly string[]): Promise<Map<string, string>> {
      const values = await repo.studentRecordValues(db, tenantId, [fieldKey], studentIds);
      return new Map(values.filter((v) => v.value !== '').map((v) => [v.studentId, v.value]));
    },

    /**
     * The student's fields in force, for automations' conditions and their editor: each with whether a
     * rule may read it (a choice, yes/no, a number, a date; never words) and a sample of its fact.
     */
    async studentFactFields(tenantId: string, locale: Locale | undefined): Promise<StudentFactField[]> {
      const fields = await studentFields(tenantId, locale);
      return fields.map((f) => ({ key: f.key, label: f.label, type: f.type, fact: isFactKind(f.type), sample: sampleFact(f) }));
    },

    /**
     * Each student's fields as facts, read at once for all of them: every field in force a rule may read,
     * by key, its value typed (see factValue) or null when none is recorded. For automations' delivery and
     * dry run: no person reads them (the rule's run and the dry run's list are what is audited).
     */
    async factsOf(tenantId: string, studentIds: readonly string[], via: DbOrTx = db): Promise<Map<string, Record<string, FactValue>>> {
      const fields = (await studentFields(tenantId, undefined)).filter((f) => isFactKind(f.type));
      const values = new Map<string, Map<string, string>>();
      for (const v of await repo.studentRecordValues(via, tenantId, fields.map((f) => f.key), studentIds)) values.set(v.studentId, (values.get(v.studentId) ?? new Map<string, string>()).set(v.fieldKey, v.value));
      return new Map(studentIds.map((id) => [id, Object.fromEntries(fields.map((f) => [f.key, factValue(f.type, values.get(id)?.get(f.key))]))]));
    },

    /** The values these records hold that this person reads, shown as words (a list of check-ins): record id -> label and value. */
    async shownOn(user: AppUser, place: Omit<RecordPlace, 'recordId'>, recordIds: readonly string[], reader: FieldsReader) {
      const layout = await layoutOf(user.tenantId, place.object, user.locale);
      const fields = new Map(layout.sections.flatMap((s) => s.fields).filter(readableBy(reader)).map((f) => [f.key, f]));
      const out = new Map<string, { label: string; shown: string }[]>();
      if (fields.size === 0) return out;
      for (const v of await repo.valuesOf(db, { tenantId: user.tenantId, ...place }, recordIds)) {
        const f = fields.get(v.fieldKey);
        if (f && v.value !== '') out.set(v.recordId, [...(out.get(v.recordId) ?? []), { label: f.label, shown: shownValue(f, v.value, user.locale) }]);
      }
      return out;
    },

    /**
     * Checks what a record's fields form typed (`text.<key>`, `version.<key>`) and gives the write to
     * run in the owner's transaction (a check-in and its fields are one write). Only fields this
     * person writes are accepted (any other key refuses the post whole, 400); a value not of its
     * field's kind or a broken validation rule refuses it whole (InvalidInput, the message at the
     * field). The write gives back the fields someone else changed since the page loaded: left as
     * theirs, while the rest are saved, each change with its author. Read before the transaction: the
     * embedded database has one connection, which the transaction holds.
     */
    async prepare(user: AppUser, object: RecordObject, reader: FieldsReader, typed: PostedFields) {
      const layout = await layoutOf(user.tenantId, object, user.locale);
      const fields = layout.sections.flatMap((s) => s.fields);
      const parsed = fieldsFormOf(fields.filter(writableBy(reader))).safeParse(typed);
      if (!parsed.success) {
        const errors = fieldErrors(parsed.error, user.locale);
        if (Object.keys(errors).some((k) => !k.startsWith('text.'))) throw badRequest(message('customFields.errors.notThisForm'), 'unknown_field');
        throw new InvalidInput(errors);
      }
      const posted = parsed.data;
      return async (w: DbOrTx, at: Omit<RecordPlace, 'object'>) => {
        const ref = { tenantId: user.tenantId, object, ...at };
        const current = new Map((await repo.lockValues(w, ref)).map((v) => [v.fieldKey, v]));
        // The school's rules, over what the record will hold: one broken refuses the save whole.
        const broken = rulesBroken(layout.rules, fields, new Map([...current].map(([k, v]) => [k, v.value])), new Map(posted.map((p) => [p.key, p.text])));
        if (broken.size > 0) throw new InvalidInput(Object.fromEntries([...broken].map(([key, text]) => [`text.${key}`, text])));
        const sorted = sortFieldSaves(posted, new Map([...current].map(([k, v]) => [k, { text: v.value, version: v.version, row: v }])));
        // A stale field the editor left as they loaded it is not theirs to fight over: only a change over a newer value is a conflict.
        const stale = [];
        for (const s of sorted.stale) {
          const loaded = posted.find((p) => p.key === s.key)!.version;
          if ((await repo.valueAtVersion(w, ref, s.key, loaded)) !== s.yours) stale.push({ ...s, field: fields.find((f) => f.key === s.key)! });
        }
        const now = clock.now();
        for (const c of sorted.changed) await repo.upsertValue(w, ref, { fieldKey: c.key, value: c.text, authorId: user.personId, at: now });
        await repo.addRevisions(
          w,
          sorted.changed.map((c) => ({ ...ref, fieldKey: c.key, oldValue: current.get(c.key)?.value ?? '', newValue: c.text, version: (current.get(c.key)?.version ?? 0) + 1, authorId: user.personId, at: now })),
        );
        if (sorted.changed.length > 0) await audit.record(user, { action: 'update', entity: `${object}_fields`, entityId: at.recordId, studentId: at.studentId }, w);
        return { posted, stale };
      };
    },

    /** Saves a record's fields from its page (prepare, then the write in a transaction of its own); the conflicts to show, or null when all landed. */
    async save(user: AppUser, place: RecordPlace, reader: FieldsReader, typed: PostedFields): Promise<FieldsOutcome | null> {
      const write = await this.prepare(user, place.object, reader, typed);
      const { posted, stale } = await db.transaction((tx) => write(tx, place));
      if (stale.length === 0) return null;
      const names = await roster.namesOf(user.tenantId, stale.map((s) => s.theirs.row.authorId));
      return {
        typed: Object.fromEntries(posted.map((p) => [p.key, p.text])),
        errors: {},
        conflicts: new Map(stale.map((s) => [s.key, { text: shownValue(s.field, s.theirs.text, user.locale), authorName: names.get(s.theirs.row.authorId) || t('common.someoneElse', {}, user.locale), at: s.theirs.row.updatedAt, version: s.theirs.version }])),
      };
    },

    /**
     * Retention, read before its transaction: the object's fields whose values are facts (a choice, a
     * date, a number, yes/no) and stay as the record's own facts do. Words (short and long text) and
     * values of fields the school has since dropped, whose kind nobody can vouch for, are not among them.
     */
    async factKeysOf(tenantId: string, object: RecordObject): Promise<string[]> {
      const layout = await layoutOf(tenantId, object, undefined);
      return layout.sections.flatMap((s) => s.fields).filter((f) => f.type !== 'short' && f.type !== 'long').map((f) => f.key);
    },

    /** Retention, in the owner's transaction: the values of these records (its subquery) but `facts`, with their history, go. How many values went. */
    forgetWords: (tx: DbOrTx, tenantId: string, object: RecordObject, recordIds: SQLWrapper, facts: readonly string[]) => repo.forgetValues(tx, tenantId, object, recordIds, facts),

    /** The fields a form for a new record offers this person (a check-in being recorded): none when the school has none they write. */
    async newForm(user: AppUser, object: RecordObject, reader: FieldsReader, outcome?: FieldsOutcome) {
      const layout = await layoutOf(user.tenantId, object, user.locale);
      const sections = sectionsView(layout.sections, writableBy(reader), (f) => fieldView(f, user.locale, { text: outcome?.typed[f.key] ?? '', canEdit: true, version: 0, error: outcome?.errors[`text.${f.key}`] }));
      return sections.length === 0 ? null : { sections, canEdit: true, errorSummary: [] as SummaryItem[], conflicted: false };
    },
  };
}

export type CustomFieldsService = ReturnType<typeof createCustomFieldsService>;


/**
 * Whose eyes and hand a person has on a record's fields, from how they stand to the student: the
 * student reads as the student, family as family, the student's adults at school as adults (a subject
 * teacher reads none). `mayWrite` is the owning feature's policy on the record itself.
 */
export function fieldsReaderOf(relationship: Relationship, mayWrite: boolean): FieldsReader | null {
  // The plan's audiences are the same people; a subject teacher reads only what the plan shares with them.
  const reads = planAudience(relationship);
  if (reads === null || reads === 'teacher') return null;
  return { reads, writes: mayWrite && reads !== 'family' ? reads : null };
}
