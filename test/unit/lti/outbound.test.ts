import http from 'node:http';
import type { AddressInfo } from 'node:net';
import { expect } from 'chai';
import { createOutboundClient, isPublicAddress, OutboundError, publicAddressesOf, type Resolve } from '../../../src/lti/outbound.js';

const refusedWith = async (p: Promise<unknown>, reason: string) => {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err, `refused (${reason})`).to.be.instanceOf(OutboundError);
  expect((err as OutboundError).reason).to.equal(reason);
};

describe('outbound fetches for unauthenticated callers (src/lti/outbound.ts)', () => {
  describe('isPublicAddress', () => {
    const notPublic = [
      '127.0.0.1', '127.255.0.9', '10.1.2.3', '172.16.0.1', '172.31.255.255', '192.168.0.10', '169.254.169.254', '100.64.0.1', '0.0.0.0', '0.1.2.3',
      '224.0.0.251', '239.1.1.1', '255.255.255.255', '192.0.2.5', '198.18.0.1',
      '::1', '::', 'fe80::1', 'fc00::1', 'fd12:3456::1', 'ff02::1', '::ffff:127.0.0.1', '::ffff:10.0.0.1', '::ffff:169.254.169.254', '::127.0.0.1', '64:ff9b::a00:1', '2001:db8::1',
      'not-an-address', '',
    ];
    const isPublic = ['93.184.216.34', '8.8.8.8', '172.32.0.1', '2606:4700::1111', '2a00:1450:4001:82b::200e', '::ffff:93.184.216.34'];
    for (const a of notPublic) it(`refuses ${a || '(empty)'}`, () => expect(isPublicAddress(a)).to.equal(false));
    for (const a of isPublic) it(`allows ${a}`, () => expect(isPublicAddress(a)).to.equal(true));
  });

  describe('publicAddressesOf', () => {
    const answers = (map: Record<string, string[]>): Resolve => async (host) => {
      const list = map[host];
      if (!list) throw Object.assign(new Error('not found'), { code: 'ENOTFOUND' });
      return list.map((address) => ({ address, family: address.includes(':') ? 6 : 4 }));
    };
    const resolve = answers({ 'lms.example': ['93.184.216.34', '2606:4700::1111'], 'split.example': ['93.184.216.34', '10.0.0.5'], 'inside.example': ['192.168.1.20'], 'empty.example': [] });

    it('gives every address of a name that resolves to public addresses only', async () => {
      expect((await publicAddressesOf('lms.example', resolve)).map((a) => a.address)).to.deep.equal(['93.184.216.34', '2606:4700::1111']);
    });
    it('refuses a name with one private address among public ones, or only private ones', async () => {
      await refusedWith(publicAddressesOf('split.example', resolve), 'address_not_public');
      await refusedWith(publicAddressesOf('inside.example', resolve), 'address_not_public');
    });
    it('refuses a name that does not resolve', async () => {
      await refusedWith(publicAddressesOf('nowhere.example', resolve), 'unresolvable');
      await refusedWith(publicAddressesOf('empty.example', resolve), 'unresolvable');
    });
    it('judges a literal address (bracketed IPv6 as URL.hostname gives it) without resolving', async () => {
      const never: Resolve = () => Promise.reject(new Error('a literal must not be resolved'));
      await refusedWith(publicAddressesOf('[::ffff:127.0.0.1]', never), 'address_not_public');
      await refusedWith(publicAddressesOf('127.0.0.1', never), 'address_not_public');
      expect(await publicAddressesOf('[2606:4700::1111]', never)).to.deep.equal([{ address: '2606:4700::1111', family: 6 }]);
    });
  });

  describe('the client', () => {
    let server: http.Server;
    let port: number;
    let connections = 0;
    let behaviour: 'hang' | 'big' | 'ok' = 'ok';
    before(async () => {
      server = http.createServer((_req, res) => {
        if (behaviour === 'hang') return;
        if (behaviour === 'big') {
          res.write('"');
          res.write('x'.repeat(5000));
          res.end('"');
          return;
        }
        res.setHeader('content-type', 'application/json');
        res.end('{"ok":true}');
      });
      server.on('connection', () => connections++);
      await new Promise<void>((r) => server.listen(0, '127.0.0.1', () => r()));
      port = (server.address() as AddressInfo).port;
    });
    after(() => {
      server.closeAllConnections();
      server.close();
    });

    it('reads a JSON answer (policy any: development and tests)', async () => {
      const client = createOutboundClient({ policy: 'any' });
      expect(await client.json(`http://127.0.0.1:${port}/`)).to.deep.equal({ status: 200, body: { ok: true } });
      await client.close();
    });

    it('gives up on an answer that does not come, at its timeout', async () => {
      behaviour = 'hang';
      const client = createOutboundClient({ policy: 'any', timeoutMs: 300 });
      const started = Date.now();
      await refusedWith(client.json(`http://127.0.0.1:${port}/`), 'timeout');
      expect(Date.now() - started).to.be.below(2_000);
      await client.close();
    });

    it('stops reading an answer past its size cap, even without a content-length', async () => {
      behaviour = 'big';
      const client = createOutboundClient({ policy: 'any', maxBytes: 1000 });
      await refusedWith(client.json(`http://127.0.0.1:${port}/`), 'too_large');
      await client.close();
    });

    it('public-https: refuses http, and a name that turns private between the check and the connection (DNS rebinding), without connecting', async () => {
      behaviour = 'ok';
      let calls = 0;
      // The first answer (the check) is public; the one the socket asks for is this machine.
      const rebinding: Resolve = async () => [{ address: calls++ === 0 ? '93.184.216.34' : '127.0.0.1', family: 4 }];
      const client = createOutboundClient({ policy: 'public-https', resolve: rebinding });
      const before = connections;
      await refusedWith(client.json(`http://rebind.example:${port}/`), 'not_https');
      await refusedWith(client.json(`https://rebind.example:${port}/`), 'address_not_public');
      expect(calls, 'the socket asked again').to.equal(2);
      expect(connections - before, 'connections made').to.equal(0);
      await client.close();
    });
  });
});
