import { z } from 'zod';
import { documentKind } from '../configuration/configuration.kinds.js';
import { editableRelationships, type PermissionResource, type PermissionSet, type PermissionTable } from './permission-set.js';
import { planPermissions } from './plan.js';
import { goalPermissions } from './goal.js';
import { checkinPermissions } from './checkin.js';
import { referralPermissions } from './referral.js';

/** Every policy a permission set shapes, with its defaults and ceiling. */
export const permissionTables: Record<PermissionResource, PermissionTable<string>> = { plan: planPermissions, goal: goalPermissions, checkin: checkinPermissions, referral: referralPermissions };

/**
 * The document: per resource, per relationship, the actions granted, each a choice among that
 * relationship's ceiling (so the console's form offers only what the floor allows, one box an action). A
 * relationship whose ceiling is empty (family and check-ins) has nothing to choose and is not in it.
 */
const tableSchema = (table: PermissionTable<string>) =>
  z.strictObject(Object.fromEntries(editableRelationships.flatMap((rel) => (table.ceiling[rel].length > 0 ? [[rel, z.array(z.enum(table.ceiling[rel] as [string, ...string[]]))]] : []))));

export const permissionSetSchema = z.strictObject(Object.fromEntries(Object.entries(permissionTables).map(([resource, table]) => [resource, tableSchema(table)])));

/** The policies' own defaults, as a document. */
export const shippedPermissionSet = (): PermissionSet =>
  Object.fromEntries(Object.entries(permissionTables).map(([resource, table]) => [resource, Object.fromEntries(editableRelationships.flatMap((rel) => (table.ceiling[rel].length > 0 ? [[rel, [...table.defaults[rel]]]] : [])))]));

// Built from the tables at run time, the schema's inferred type is a record of records; PermissionSet names the same keys.
export const permissionSetKind = documentKind<PermissionSet>({ id: 'permission-set', schema: permissionSetSchema as unknown as z.ZodType<PermissionSet>, shipped: shippedPermissionSet });
