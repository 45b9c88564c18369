import { expect } from 'chai';
import { fixture, profilesUnderTest, type Fixture } from './fixture.js';

for (const profile of profilesUnderTest) {
  describe(`simulator (${profile}): course page`, () => {
    let f: Fixture;
    before(async () => {
      f = await fixture(profile);
    });
    after(() => f.close());

    it('frames the launch URL, with the platform-storage frame only where the LMS offers it', async () => {
      const res = await fetch(f.sim.courseFrameUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }));
      const html = await res.text();
      expect(res.status).to.equal(200);
      expect(html).to.include('Advisory 9');
      const src = /<iframe id="tool-frame"[^>]*src="([^"]+)"/.exec(html)?.[1]?.replace(/&amp;/g, '&');
      expect(src).to.equal(f.sim.launchUrl({ clientId: f.clientId, userSub: 't1', courseId: 'C1' }));
      const forwarding = await fetch(`${f.baseUrl}/post_message_forwarding`);
      if (profile === 'canvas') {
        expect(html).to.include('name="post_message_forwarding"');
        expect(forwarding.status).to.equal(200);
        const script = await forwarding.text();
        for (const subject of ['lti.capabilities', 'lti.put_data', 'lti.get_data']) expect(script).to.include(subject);
      } else {
        expect(html).to.not.include('post_message_forwarding');
        expect(forwarding.status).to.equal(404);
      }
    });
  });
}
