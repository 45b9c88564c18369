import type { AppUser } from '../auth/user.js';
import type { Policy } from './policy.js';
import { relationshipTo, type Relationship, type StudentScope } from './student-record.js';

/**
 * A student's indicators (attendance, behaviour, course grades, well-being) and the data panel.
 * `view`: the adults' panel (bands, reasons, trends, every course). `viewOwn`: the student's own plain,
 * strengths-first view (no bands, no tier). `viewFamily`: what the family sees, which the school
 * chooses (a tenant setting: nothing, the student's plain view, or the adults' panel); the service
 * applies the setting after the policy. Subject teachers see no indicators (they are not the
 * student's advisor). Admins read, audited.
 */
export type IndicatorAction = 'view' | 'viewOwn' | 'viewFamily';
export const indicatorActions: readonly IndicatorAction[] = ['view', 'viewOwn', 'viewFamily'];

export interface IndicatorResource {
  scope: StudentScope;
}

const byRelationship: Record<Relationship, readonly IndicatorAction[]> = {
  self: ['viewOwn'],
  advisor: ['view'],
  staff: ['view'],
  teacher: [],
  mentor: ['viewFamily'],
  admin: ['view'],
  none: [],
};

export const indicatorPolicy: Policy<IndicatorAction, IndicatorResource> = (user: AppUser, action, { scope }) => byRelationship[relationshipTo(user, scope)].includes(action);

/** The school's indicator settings (what the family sees): its admins only. */
export type IndicatorSettingsAction = 'view' | 'edit';
export const indicatorSettingsActions: readonly IndicatorSettingsAction[] = ['view', 'edit'];
export const indicatorSettingsPolicy: Policy<IndicatorSettingsAction, { tenantId: string }> = (user, _action, { tenantId }) => user.role === 'admin' && user.tenantId === tenantId;
