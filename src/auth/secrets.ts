import { createHash, randomBytes } from 'node:crypto';
import { hash as argonHash, verify as argonVerify } from '@node-rs/argon2';

/**
 * The secrets people outside the LMS sign in with, shared by the community providers' portal and the
 * admin console (issue 14): one-time tokens, kept only as their SHA-256, and argon2id passwords.
 */

/** A fresh one-time token (for a link or a hand-off); only its `tokenHash` is stored. */
export const newToken = (): string => randomBytes(32).toString('base64url');

export const tokenHash = (token: string): string => createHash('sha256').update(token).digest('hex');

export const hashPassword = (password: string): Promise<string> => argonHash(password);

/** A password hash to verify against when no account matches, so a wrong e-mail takes as long as a wrong password. */
let decoyHash: Promise<string> | undefined;
const decoy = () => (decoyHash ??= argonHash(randomBytes(16).toString('hex')));

/** Whether `password` matches `stored` (the account's argon2id hash, undefined when there is no account or no password). */
export async function passwordMatches(stored: string | null | undefined, password: string): Promise<boolean> {
  const matches = await argonVerify(stored ?? (await decoy()), password).catch(() => false);
  return matches && Boolean(stored);
}
