import { createHmac, timingSafeEqual } from 'node:crypto';

/**
 * OAuth 1.0a request verification (RFC 5849), written from the RFC rather than borrowed from the
 * client library the connector signs with, so a signing mistake on either side shows up as a 401
 * instead of two copies of the same bug agreeing with each other.
 *
 * Schoology's two-legged flow: the consumer key and secret identify the district's API consumer,
 * oauth_token is present but empty (or absent) and the token secret is empty, so the signing key
 * is `encode(consumer_secret) + "&"`.
 */

/** RFC 5849 section 3.6: everything but ALPHA / DIGIT / "-" / "." / "_" / "~", upper-case hex. */
export function percentEncode(s: string): string {
  return encodeURIComponent(s).replace(/[!'()*]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase()}`);
}

export type OAuthRefusal =
  | 'missing_header'
  | 'malformed_header'
  | 'missing_parameter'
  | 'unsupported_version'
  | 'unsupported_signature_method'
  | 'unknown_consumer'
  | 'token_not_supported'
  | 'timestamp_refused'
  | 'nonce_reused'
  | 'bad_signature';

export type OAuthVerdict = { ok: true; consumerKey: string } | { ok: false; reason: OAuthRefusal };

/** Parses `OAuth realm="...", oauth_consumer_key="...", ...` into decoded parameters (realm included). */
export function parseAuthorizationHeader(header: string | undefined): Map<string, string> | 'missing' | 'malformed' {
  if (!header) return 'missing';
  const m = /^OAuth\s+(.*)$/is.exec(header.trim());
  if (!m) return 'missing';
  const params = new Map<string, string>();
  const body = m[1].trim();
  if (!body) return 'malformed';
  for (const part of body.split(',')) {
    const kv = /^\s*([A-Za-z0-9_.~-]+)\s*=\s*"([^"]*)"\s*$/.exec(part);
    if (!kv) return 'malformed';
    let name: string;
    let value: string;
    try {
      name = decodeURIComponent(kv[1]);
      value = decodeURIComponent(kv[2]);
    } catch {
      return 'malformed';
    }
    if (params.has(name)) return 'malformed';
    params.set(name, value);
  }
  return params;
}

/**
 * The signature base string (RFC 5849 section 3.4.1): METHOD & encode(base string URI) &
 * encode(normalized parameters), the parameters being the query's and the header's oauth_* minus
 * realm and oauth_signature, each name and value encoded, then sorted by name and value.
 */
export function signatureBaseString(method: string, url: URL, oauthParams: Map<string, string>, bodyParams: [string, string][] = []): string {
  const pairs: [string, string][] = [];
  for (const [k, v] of url.searchParams) pairs.push([percentEncode(k), percentEncode(v)]);
  for (const [k, v] of bodyParams) pairs.push([percentEncode(k), percentEncode(v)]);
  for (const [k, v] of oauthParams) {
    if (k === 'realm' || k === 'oauth_signature') continue;
    pairs.push([percentEncode(k), percentEncode(v)]);
  }
  pairs.sort(([ak, av], [bk, bv]) => (ak < bk ? -1 : ak > bk ? 1 : av < bv ? -1 : av > bv ? 1 : 0));
  const normalized = pairs.map(([k, v]) => `${k}=${v}`).join('&');
  // Scheme and host lower case, default ports dropped (URL already does both), no query or fragment.
  const baseUri = `${url.protocol}//${url.host}${url.pathname}`;
  return [method.toUpperCase(), percentEncode(baseUri), percentEncode(normalized)].join('&');
}

export function hmacSha1Signature(baseString: string, consumerSecret: string, tokenSecret = ''): string {
  return createHmac('sha1', `${percentEncode(consumerSecret)}&${percentEncode(tokenSecret)}`).update(baseString).digest('base64');
}

function sameText(a: string, b: string): boolean {
  const x = Buffer.from(a);
  const y = Buffer.from(b);
  return x.length === y.length && timingSafeEqual(x, y);
}

export interface VerifierOptions {
  /** consumer key -> consumer secret; a revoked consumer is simply absent. */
  secretOf(consumerKey: string): string | undefined;
  nowSeconds(): number;
  /** How far oauth_timestamp may be from the server's clock, either way. */
  timestampWindowSeconds: number;
}

/** Verifies signed requests and remembers nonces for as long as their timestamp is acceptable. */
export class OAuth1Verifier {
  private readonly seen = new Map<string, number>();

  constructor(private readonly opts: VerifierOptions) {}

  verify(method: string, url: URL, authorization: string | undefined, bodyParams: [string, string][] = []): OAuthVerdict {
    const parsed = parseAuthorizationHeader(authorization);
    if (parsed === 'missing') return { ok: false, reason: 'missing_header' };
    if (parsed === 'malformed') return { ok: false, reason: 'malformed_header' };
    const p = parsed;
    for (const required of ['oauth_consumer_key', 'oauth_signature_method', 'oauth_signature', 'oauth_timestamp', 'oauth_nonce']) {
      if (!p.get(required)) return { ok: false, reason: 'missing_parameter' };
    }
    const version = p.get('oauth_version');
    if (version !== undefined && version !== '1.0') return { ok: false, reason: 'unsupported_version' };
    const sigMethod = p.get('oauth_signature_method')!;
    if (sigMethod !== 'HMAC-SHA1' && sigMethod !== 'PLAINTEXT') return { ok: false, reason: 'unsupported_signature_method' };
    const consumerKey = p.get('oauth_consumer_key')!;
    const secret = this.opts.secretOf(consumerKey);
    if (secret === undefined) return { ok: false, reason: 'unknown_consumer' };
    // Two-legged only: an access token would come from a three-legged authorization we never gave.
    if (p.get('oauth_token')) return { ok: false, reason: 'token_not_supported' };
    const now = this.opts.nowSeconds();
    const tsText = p.get('oauth_timestamp')!;
    const ts = /^\d{1,12}$/.test(tsText) ? Number(tsText) : NaN;
    if (!Number.isFinite(ts) || Math.abs(now - ts) > this.opts.timestampWindowSeconds) return { ok: false, reason: 'timestamp_refused' };

    const expected =
      sigMethod === 'PLAINTEXT' ? `${percentEncode(secret)}&` : hmacSha1Signature(signatureBaseString(method, url, p, bodyParams), secret);
    if (!sameText(expected, p.get('oauth_signature')!)) return { ok: false, reason: 'bad_signature' };

    // Only a correctly signed request uses up its nonce, so a forger cannot burn a client's nonces.
    this.prune(now);
    const nonceKey = `${consumerKey}\u0000${p.get('oauth_nonce')}`;
    if (this.seen.has(nonceKey)) return { ok: false, reason: 'nonce_reused' };
    this.seen.set(nonceKey, ts);
    return { ok: true, consumerKey };
  }

  private prune(now: number): void {
    for (const [k, ts] of this.seen) if (now - ts > this.opts.timestampWindowSeconds) this.seen.delete(k);
  }
}
