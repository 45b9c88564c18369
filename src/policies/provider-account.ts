import type { Policy } from './policy.js';

export const providerAccountActions = ['manage'] as const;
export type ProviderAccountAction = (typeof providerAccountActions)[number];

/**
 * Community providers' organisations and accounts (who may sign in at /provider and see the referrals
 * sent to them): the school's admins add organisations, invite people and deactivate them; nobody
 * else, since an account opens referrals to someone outside the school.
 */
export const providerAccountPolicy: Policy<ProviderAccountAction, { tenantId: string }> = (user, action, resource) => {
  if (user.tenantId !== resource.tenantId) return false;
  switch (action) {
    case 'manage':
      return user.role === 'admin';
  }
};
