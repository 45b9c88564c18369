import { expect } from 'chai';
import { canvas, canvasDeveloperKey } from '../../../src/lti/families/canvas.js';
import { generic } from '../../../src/lti/families/generic.js';
import { moodle } from '../../../src/lti/families/moodle.js';
import { isAccountLaunch, toolUrls, type ToolIdentity } from '../../../src/lti/families/family.js';
import { claimKeys, type LaunchClaims } from '../../../src/lti/launch.schemas.js';

const tool: ToolIdentity = { name: 'Success Plans', description: 'Plans', urls: toolUrls('https://tool.example/plans') };
const CV = 'https://canvas.instructure.com/lti';
const claimsWith = (custom: Record<string, unknown>, target = 'https://tool.example/plans/lti/launch') => ({ [claimKeys.custom]: custom, [claimKeys.targetLinkUri]: target }) as unknown as LaunchClaims;

describe('Canvas: account navigation for leaders, and the account a launch came from', () => {
  it('registers an account_navigation launch to the marked URL, shown to the account\'s members, beside course navigation', () => {
    const config = canvas.registrationRequest(tool, { issuer: 'https://canvas.test', authorization_endpoint: 'https://canvas.test/auth', token_endpoint: 'https://canvas.test/token', jwks_uri: 'https://canvas.test/jwks', registration_endpoint: 'https://canvas.test/reg' } as never)['https://purl.imsglobal.org/spec/lti-tool-configuration'];
    const messages = config.messages as Record<string, unknown>[];
    expect(messages.map((m) => (m.placements as string[]).join())).to.deep.equal(['course_navigation', 'account_navigation', 'link_selection']);
    expect(messages[1]).to.deep.include({ type: 'LtiResourceLinkRequest', target_link_uri: 'https://tool.example/plans/lti/launch?placement=account', [`${CV}/visibility`]: 'members' });
    expect(config.custom_parameters).to.deep.include({ account_id: '$Canvas.account.id', account_name: '$Canvas.account.name' });
  });

  it('puts the same placement in the manual developer key JSON', () => {
    const key = canvasDeveloperKey(tool);
    const placements = key.extensions[0]!.settings.placements;
    expect(placements.find((p) => p.placement === 'account_navigation')).to.deep.equal({
      placement: 'account_navigation', message_type: 'LtiResourceLinkRequest', target_link_uri: 'https://tool.example/plans/lti/launch?placement=account', text: 'Success Plans', visibility: 'members',
    });
    expect(key.custom_fields).to.include({ account_id: '$Canvas.account.id', account_name: '$Canvas.account.name' });
  });

  it('reads the account as a school key; an unfilled substitution or no account is no school', () => {
    expect(canvas.schoolKeyOf!(claimsWith({ account_id: '1042', account_name: 'Lincoln High' }))).to.deep.equal({ lmsKey: '1042', name: 'Lincoln High' });
    expect(canvas.schoolKeyOf!(claimsWith({ account_id: '1042', account_name: '$Canvas.account.name' }))).to.deep.equal({ lmsKey: '1042', name: '' });
    expect(canvas.schoolKeyOf!(claimsWith({ account_id: '$Canvas.account.id' }))).to.equal(null);
    expect(canvas.schoolKeyOf!(claimsWith({}))).to.equal(null);
    // The other families do not say which school a launch came from.
    for (const f of [generic, moodle]) expect(f.schoolKeyOf, f.code).to.equal(undefined);
  });

  it('tells an account launch by the marker on its target link, and nothing else', () => {
    expect(isAccountLaunch(claimsWith({}, 'https://tool.example/plans/lti/launch?placement=account'))).to.equal(true);
    expect(isAccountLaunch(claimsWith({}))).to.equal(false);
    expect(isAccountLaunch(claimsWith({}, 'https://tool.example/plans/lti/launch?placement=course'))).to.equal(false);
  });
});
