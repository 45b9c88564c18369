import { expect } from 'chai';
import net from 'node:net';
import { discoverProvider, OidcError } from '../../../src/console/district-oidc.js';

/** An issuer an admin types is fetched by the server: never one standing for an address inside the network. */
describe('district sign-on: the issuer the server fetches', () => {
  let server: net.Server;
  let connections = 0;
  let port = 0;
  before(async () => {
    server = net.createServer((socket) => {
      connections += 1;
      socket.destroy();
    });
    await new Promise<void>((done) => server.listen(0, '127.0.0.1', done));
    port = (server.address() as net.AddressInfo).port;
  });
  after(() => new Promise<void>((done) => server.close(() => done())));

  it('refuses an https issuer on this machine in production before connecting to it (unreachable)', async () => {
    const failure = await discoverProvider({ issuer: `https://127.0.0.1:${port}/idp`, clientId: 'tool', clientSecret: 'secret' }, { timeoutSeconds: 5, allowLoopbackHttp: false }).then(
      () => undefined,
      (err: unknown) => err,
    );
    expect(failure).to.be.instanceOf(OidcError);
    expect((failure as OidcError).reason).to.equal('unreachable');
    expect(connections, 'no connection was opened').to.equal(0);
  });

  for (const issuer of ['https://10.0.0.5/', 'https://[::1]/', 'https://169.254.169.254/latest/']) {
    it(`refuses ${issuer} (unreachable)`, async () => {
      const failure = await discoverProvider({ issuer, clientId: 'tool', clientSecret: 'secret' }, { timeoutSeconds: 5, allowLoopbackHttp: false }).catch((err: unknown) => err);
      expect((failure as OidcError).reason).to.equal('unreachable');
    });
  }
});
