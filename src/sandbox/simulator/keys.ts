import { randomUUID } from 'node:crypto';
import { SignJWT, createLocalJWKSet, createRemoteJWKSet, jwtVerify, exportJWK, generateKeyPair, type JSONWebKeySet, type JWTPayload, type JWTVerifyGetKey, type CryptoKey } from 'jose';

interface KeyPair {
  kid: string;
  privateKey: CryptoKey;
  publicJwk: Record<string, unknown>;
}

async function newKeyPair(): Promise<KeyPair> {
  const { privateKey, publicKey } = await generateKeyPair('RS256', { modulusLength: 2048 });
  const kid = randomUUID();
  return { kid, privateKey, publicJwk: { ...(await exportJWK(publicKey)), kid, alg: 'RS256', use: 'sig' } };
}

/**
 * The platform's signing key (published in its JWKS) and a foreign key that is never published,
 * for forged-signature tests. The tools' keys are fetched from their JWKS URLs and cached, as LMSs do.
 */
export class SimKeys {
  private constructor(
    private readonly own: KeyPair,
    private readonly foreign: KeyPair,
  ) {}

  static async create(): Promise<SimKeys> {
    return new SimKeys(await newKeyPair(), await newKeyPair());
  }

  jwks(): JSONWebKeySet {
    return { keys: [this.own.publicJwk as JSONWebKeySet['keys'][number]] };
  }

  get kid(): string {
    return this.own.kid;
  }

  sign(payload: JWTPayload, opts: { foreign?: boolean; kid?: string } = {}): Promise<string> {
    const key = opts.foreign ? this.foreign : this.own;
    return new SignJWT(payload).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: opts.kid ?? key.kid }).sign(key.privateKey);
  }

  /** Verifies a token this platform signed itself (message hints, registration tokens); undefined when bad. */
  async verifyOwn(token: string, nowSeconds: number): Promise<JWTPayload | undefined> {
    try {
      return (await jwtVerify(token, createLocalJWKSet(this.jwks()), { currentDate: new Date(nowSeconds * 1000) })).payload;
    } catch {
      return undefined;
    }
  }

  private readonly toolKeySets = new Map<string, JWTVerifyGetKey>();
  /** A tool in the same process (the sandbox) hands over its key set instead of being fetched. */
  localToolKeys: ((jwksUri: string) => Promise<JSONWebKeySet | null>) | undefined;

  /** One cached key set per tool JWKS URL; jose refetches on an unknown kid. */
  toolKeySet(jwksUri: string): JWTVerifyGetKey {
    const local = this.localToolKeys;
    if (local) {
      const remote = () => this.remoteKeySet(jwksUri);
      // Read on every verification: the tool's keys are a database read away, never stale.
      return async (header, token) => {
        const set = await local(jwksUri);
        return set ? createLocalJWKSet(set)(header, token) : remote()(header, token);
      };
    }
    return this.remoteKeySet(jwksUri);
  }

  private remoteKeySet(jwksUri: string): JWTVerifyGetKey {
    let set = this.toolKeySets.get(jwksUri);
    if (!set) {
      set = createRemoteJWKSet(new URL(jwksUri), { cooldownDuration: 0, cacheMaxAge: 10 * 60_000 });
      this.toolKeySets.set(jwksUri, set);
    }
    return set;
  }
}
