import { expect } from 'chai';
import { parseAuthorizationHeader, percentEncode, signatureBaseString } from '../../../src/sandbox/schoology-api/index.js';

describe('Schoology simulator: OAuth 1.0a signature base string (RFC 5849)', () => {
  it('builds the RFC 5849 section 3.4.1.1 example byte for byte', () => {
    const header =
      'OAuth realm="Example", oauth_consumer_key="9djdj82h48djs9d2", oauth_token="kkk9d7dh3k39sjv7", oauth_signature_method="HMAC-SHA1", oauth_timestamp="137131201", oauth_nonce="7d8f3e4a", oauth_signature="bYT5CMsGcbgUdFHObYMEfcx6bsw%3D"';
    const params = parseAuthorizationHeader(header);
    if (!(params instanceof Map)) throw new Error('header not parsed');
    const body: [string, string][] = [...new URLSearchParams('c2&a3=2+q')];
    const base = signatureBaseString('POST', new URL('http://example.com/request?b5=%3D%253D&a3=a&c%40=&a2=r%20b'), params, body);
    expect(base).to.equal(
      'POST&http%3A%2F%2Fexample.com%2Frequest&a2%3Dr%2520b%26a3%3D2%2520q%26a3%3Da%26b5%3D%253D%25253D%26c%2540%3D%26c2%3D%26oauth_consumer_key%3D9djdj82h48djs9d2%26oauth_nonce%3D7d8f3e4a%26oauth_signature_method%3DHMAC-SHA1%26oauth_timestamp%3D137131201%26oauth_token%3Dkkk9d7dh3k39sjv7',
    );
  });

  it('percent-encodes the reserved characters encodeURIComponent leaves alone', () => {
    expect(percentEncode("!'()*~ é")).to.equal('%21%27%28%29%2A~%20%C3%A9');
  });

  it('refuses headers it cannot read', () => {
    expect(parseAuthorizationHeader(undefined)).to.equal('missing');
    expect(parseAuthorizationHeader('Bearer abc')).to.equal('missing');
    expect(parseAuthorizationHeader('OAuth oauth_nonce=abc')).to.equal('malformed');
    expect(parseAuthorizationHeader('OAuth oauth_nonce="a", oauth_nonce="b"')).to.equal('malformed');
    expect(parseAuthorizationHeader('OAuth oauth_nonce="%E0%A4%A"')).to.equal('malformed');
  });
});
