import { createRequire } from 'node:module';
import ltijs from 'ltijs';
import type { LtijsDatabase } from './ltijs-plugin.js';

/*
 * The only module that touches ltijs 5.9.9. Its published types are stale, so the parts we use are
 * declared here. ltijs exports one Provider instance per process; it is set up and deployed (serverless,
 * its routes never mounted) once, and every call we make passes the app's own database plugin and
 * encryption key explicitly (registerPlatform and getPlatform accept both), so several apps in one
 * process (the tests) each keep their own store.
 */

interface LtijsPlatformConfig {
  url: string;
  name: string;
  clientId: string;
  authenticationEndpoint: string;
  accesstokenEndpoint: string;
  authorizationServer?: string;
  authConfig: { method: 'JWK_SET' | 'JWK_KEY' | 'RSA_KEY'; key: string };
}

interface LtijsPlatform {
  platformKid(): Promise<string>;
  platformPrivateKey(): Promise<string>;
}

type GetPlatform = (url: string, clientId: string, encryptionKey: string, database: LtijsDatabase) => Promise<LtijsPlatform | false>;

interface LtijsProvider {
  setup(encryptionKey: string, database: { plugin: LtijsDatabase }, options?: { devMode?: boolean; cors?: boolean }): LtijsProvider;
  deploy(options: { serverless: true; silent?: boolean }): Promise<true>;
  registerPlatform(platform: LtijsPlatformConfig, getPlatform: GetPlatform, encryptionKey: string, database: LtijsDatabase): Promise<unknown>;
  getPlatform: GetPlatform;
}

export interface Jwk {
  kty: string;
  kid: string;
  alg: string;
  use: string;
  n: string;
  e: string;
}

interface LtijsKeyset {
  build(database: LtijsDatabase, encryptionKey: string): Promise<{ keys: Jwk[] }>;
}

const provider = ltijs.Provider as LtijsProvider;
// The keyset builder is not re-exported by the package index; its file is part of the published dist.
const Keyset = createRequire(import.meta.url)('ltijs/dist/Utils/Keyset') as LtijsKeyset;

let deployed: Promise<void> | undefined;

/** Sets up and deploys the process's one Provider (serverless); later calls reuse it. */
function deployOnce(plugin: LtijsDatabase, encryptionKey: string): Promise<void> {
  deployed ??= (async () => {
    provider.setup(encryptionKey, { plugin }, { cors: false });
    const before = new Set(process.listeners('SIGINT'));
    await provider.deploy({ serverless: true, silent: true });
    // deploy() adds a SIGINT handler that calls process.exit(); our server entry shuts down in order itself.
    for (const l of process.listeners('SIGINT')) if (!before.has(l)) process.removeListener('SIGINT', l);
  })();
  return deployed;
}

export interface PlatformRegistration {
  issuer: string;
  clientId: string;
  name: string;
  authLoginUrl: string;
  accessTokenUrl: string;
  authorizationServer?: string | null;
  jwksUrl: string;
}

/** ltijs as the app sees it: a platform registry holding one RSA key pair per platform. */
export interface Ltijs {
  /** Registers the platform (creating its key pair) or updates its endpoints; keys are kept. */
  registerPlatform(p: PlatformRegistration): Promise<void>;
  /** The tool's key pair for that platform, or undefined when it is not registered. */
  platformKey(issuer: string, clientId: string): Promise<{ kid: string; privateKeyPem: string } | undefined>;
  /** Public keys of every registered platform (kid, alg RS256, use sig). */
  keyset(): Promise<{ keys: Jwk[] }>;
}

export async function openLtijs(plugin: LtijsDatabase, encryptionKey: string): Promise<Ltijs> {
  await deployOnce(plugin, encryptionKey);
  await plugin.setup();
  const getPlatform: GetPlatform = (url, clientId, key, database) => provider.getPlatform(url, clientId, key, database);
  return {
    async registerPlatform(p) {
      await provider.registerPlatform(
        {
          url: p.issuer,
          name: p.name,
          clientId: p.clientId,
          authenticationEndpoint: p.authLoginUrl,
          accesstokenEndpoint: p.accessTokenUrl,
          authorizationServer: p.authorizationServer ?? undefined,
          authConfig: { method: 'JWK_SET', key: p.jwksUrl },
        },
        getPlatform,
        encryptionKey,
        plugin,
      );
    },
    async platformKey(issuer, clientId) {
      const platform = await getPlatform(issuer, clientId, encryptionKey, plugin);
      if (!platform) return undefined;
      return { kid: await platform.platformKid(), privateKeyPem: await platform.platformPrivateKey() };
    },
    keyset: () => Keyset.build(plugin, encryptionKey),
  };
}
