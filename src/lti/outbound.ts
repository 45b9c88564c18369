import dns from 'node:dns';
import type { LookupFunction } from 'node:net';
import ipaddr from 'ipaddr.js';
import { Agent, fetch, type RequestInit } from 'undici';
import { cleanDeep } from '../web/text.js';

/**
 * Which addresses the tool may fetch for someone who has not signed in (LTI Dynamic Registration
 * hands it a URL): `public-https` (production) only https to public unicast addresses; `any`
 * (development and tests, whose LMS runs on localhost) whatever the URL names.
 */
export type OutboundPolicy = 'public-https' | 'any';

/** Why a fetch did not give a usable answer: for the log only, never for the person asking. */
export type OutboundFailure = 'not_https' | 'address_not_public' | 'unresolvable' | 'unreachable' | 'timeout' | 'too_large' | 'redirected';

export class OutboundError extends Error {
  constructor(readonly reason: OutboundFailure) {
    super(`outbound request failed: ${reason}`);
  }
}

/** Global unicast IPv6 (2000::/3): anything else (ULA, link-local, IPv4-compatible, NAT64 of a private v4...) is refused. */
const globalUnicastV6 = ipaddr.parseCIDR('2000::/3');

/**
 * True for an address on the public internet: not private, loopback, link-local, unique-local,
 * multicast, unspecified, carrier-grade NAT, reserved or documentation; an IPv4-mapped IPv6 address
 * is judged as the IPv4 address it maps.
 */
export function isPublicAddress(address: string): boolean {
  if (!ipaddr.isValid(address)) return false;
  const ip = ipaddr.process(address);
  if (ip.range() !== 'unicast') return false;
  return ip.kind() === 'ipv4' || (ip as ipaddr.IPv6).match(globalUnicastV6);
}

export type Resolve = (hostname: string) => Promise<dns.LookupAddress[]>;
const systemResolve: Resolve = (hostname) => dns.promises.lookup(hostname, { all: true, verbatim: true });

/** Every address a host name stands for, all of them public, or a refusal: one private answer is enough to refuse. */
export async function publicAddressesOf(hostname: string, resolve: Resolve = systemResolve): Promise<dns.LookupAddress[]> {
  const host = hostname.replace(/^\[(.*)\]$/, '$1');
  let addresses: dns.LookupAddress[];
  if (ipaddr.isValid(host)) addresses = [{ address: host, family: ipaddr.parse(host).kind() === 'ipv6' ? 6 : 4 }];
  else {
    try {
      addresses = await resolve(host);
    } catch {
      throw new OutboundError('unresolvable');
    }
  }
  if (addresses.length === 0) throw new OutboundError('unresolvable');
  if (!addresses.every((a) => isPublicAddress(a.address))) throw new OutboundError('address_not_public');
  return addresses;
}

/**
 * The lookup the socket itself uses: the addresses checked are the ones connected to, so a name that
 * answers with a public address to the check and a private one to the connection (DNS rebinding) is refused.
 */
function publicOnlyLookup(resolve: Resolve): LookupFunction {
  return (hostname, options, callback) => {
    publicAddressesOf(hostname, resolve).then(
      (addresses) => (options.all ? callback(null, addresses) : callback(null, addresses[0]!.address, addresses[0]!.family)),
      (err: Error) => callback(err, ''),
    );
  };
}

export interface OutboundOptions {
  policy: OutboundPolicy;
  /** For the whole request, answer included. */
  timeoutMs?: number;
  /** The most of an answer read; past it the answer is dropped. */
  maxBytes?: number;
  resolve?: Resolve;
}

export interface OutboundAnswer {
  status: number;
  /** The answer as JSON; undefined when it is not JSON. */
  body: unknown;
}

const isTimeout = (err: unknown) => err instanceof Error && (err.name === 'TimeoutError' || (err.cause instanceof Error && err.cause.name === 'TimeoutError'));

/**
 * fetch for URLs that come from outside: the policy's address rules, a short timeout, no redirects
 * (each hop would need the same checks), and a cap on what is read. Its errors carry a reason for the
 * log and nothing from the remote side.
 */
export function createOutboundClient(opts: OutboundOptions) {
  const timeoutMs = opts.timeoutMs ?? 5_000;
  const maxBytes = opts.maxBytes ?? 256 * 1024;
  const strict = opts.policy === 'public-https';
  const resolve = opts.resolve ?? systemResolve;
  const dispatcher = new Agent({
    connect: { timeout: timeoutMs, ...(strict && { lookup: publicOnlyLookup(resolve) }) },
    headersTimeout: timeoutMs,
    bodyTimeout: timeoutMs,
  });

  async function readCapped(res: Awaited<ReturnType<typeof fetch>>): Promise<string> {
    if (Number(res.headers.get('content-length') ?? 0) > maxBytes) {
      await res.body?.cancel();
      throw new OutboundError('too_large');
    }
    const chunks: Uint8Array[] = [];
    let size = 0;
    if (res.body) {
      for await (const chunk of res.body) {
        size += chunk.byteLength;
        if (size > maxBytes) throw new OutboundError('too_large');
        chunks.push(chunk);
      }
    }
    return Buffer.concat(chunks).toString('utf8');
  }

  return {
    async json(url: string, init: Omit<RequestInit, 'dispatcher' | 'redirect' | 'signal'> = {}): Promise<OutboundAnswer> {
      const target = new URL(url);
      if (strict && target.protocol !== 'https:') throw new OutboundError('not_https');
      // Literal addresses never reach the socket's lookup: check them (and names, for an early answer) here.
      if (strict) await publicAddressesOf(target.hostname, resolve);
      let text: string;
      let status: number;
      try {
        const res = await fetch(target, { ...init, dispatcher, redirect: 'manual', signal: AbortSignal.timeout(timeoutMs) });
        if (res.status >= 300 && res.status < 400) {
          await res.body?.cancel();
          throw new OutboundError('redirected');
        }
        status = res.status;
        text = await readCapped(res);
      } catch (err) {
        if (err instanceof OutboundError) throw err;
        const refused = err instanceof Error && err.cause instanceof OutboundError ? err.cause : undefined;
        throw refused ?? new OutboundError(isTimeout(err) ? 'timeout' : 'unreachable');
      }
      let body: unknown;
      try {
        // The LMS's text is made storable here, like every boundary (NUL, lone surrogates, NFC).
        body = text ? cleanDeep(JSON.parse(text)) : undefined;
      } catch {
        body = undefined;
      }
      return { status, body };
    },
    close: () => dispatcher.close(),
  };
}
export type OutboundClient = ReturnType<typeof createOutboundClient>;
