import { createCipheriv, createDecipheriv, createHash, randomBytes } from 'node:crypto';

/**
 * A school's API tokens and keys at rest: AES-256-GCM under a key derived from the app's ENCRYPTION_KEY
 * (its own derivation, so a leaked ltik key would not open these). Stored as `v1.<iv>.<tag>.<data>` (base64url).
 */
export function createSecretBox(encryptionKey: string, purpose = 'connector-secrets') {
  // Each use names its purpose (`mail-link-tokens` for src/mail): one box's text never opens in another.
  const key = createHash('sha256').update(`${purpose}:${encryptionKey}`).digest();
  return {
    seal(plain: string): string {
      const iv = randomBytes(12);
      const cipher = createCipheriv('aes-256-gcm', key, iv);
      const data = Buffer.concat([cipher.update(plain, 'utf8'), cipher.final()]);
      return ['v1', iv, cipher.getAuthTag(), data].map((p) => (typeof p === 'string' ? p : p.toString('base64url'))).join('.');
    },
    /** null when the box cannot open it (another key, or tampered): the admin enters the secret again. */
    open(sealed: string): string | null {
      const [version, iv, tag, data] = sealed.split('.');
      if (version !== 'v1' || !iv || !tag || data === undefined) return null;
      try {
        const decipher = createDecipheriv('aes-256-gcm', key, Buffer.from(iv, 'base64url'));
        decipher.setAuthTag(Buffer.from(tag, 'base64url'));
        return Buffer.concat([decipher.update(Buffer.from(data, 'base64url')), decipher.final()]).toString('utf8');
      } catch {
        return null;
      }
    },
  };
}
export type SecretBox = ReturnType<typeof createSecretBox>;
