import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, connectTool, type RunningSimulator } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { placeStudents } from '../../support/school-places.js';
import { asUser, ltikFor } from '../../support/school.js';
import { setStaffGrant } from '../../../src/roster/roster.repository.js';
import { toolUrls } from '../../../src/lti/families/family.js';
import { decoded } from '../../support/html.js';

const faculty = 'http://purl.imsglobal.org/vocab/lis/v2/institution/person#Faculty';

/**
 * Issue 12: school and district leaders open the tool from Canvas's account navigation, with no course,
 * and land on their schools: those their staff grants let them view, and no other.
 */
describe('an account navigation launch lands a leader on their schools', function () {
  this.timeout(120_000);
  let tool: RunningTool;
  let lms: RunningSimulator;
  let clientId: string;
  let tenantId: string;
  let schools: { a: string; b: string };

  before(async () => {
    tool = await startTool();
    lms = await startSimulator('canvas');
    const key = (await (await fetch(`${tool.baseUrl}/lti/canvas.json`)).json()) as { custom_fields: Record<string, string> };
    const conn = await connectTool(lms.sim, { baseUrl: tool.baseUrl, platforms: tool.t.ctx.platforms }, { name: 'Leaders district', customParameters: key.custom_fields, family: 'canvas' });
    clientId = conn.clientId;
    tenantId = conn.tenant.id;
    schools = await placeStudents(tool.t.ctx.db, tenantId, ['Aspen High', 'Birch Middle'], { a: [], b: [] });
    // Staff of the district, in no course: the tool knows them as leaders only from the grants below.
    lms.sim.addUser({ sub: 'lead-aspen', name: 'Lena Aspen', roles: [faculty] });
    lms.sim.addUser({ sub: 'lead-district', name: 'Dev District', roles: [faculty] });
  });
  after(async () => {
    await lms.close();
    await tool.close();
  });

  const fromAccount = (sub: string) => new LtiAgent({}).launch(lms.sim.launchUrl({ clientId, userSub: sub, targetLinkUri: toolUrls(tool.baseUrl).accountLaunch }));
  const grant = async (sub: string, role: 'school_leader' | 'district_leader', schoolId: string | null) => {
    const [person] = await tool.t.ctx.roster.findPeopleBySub(tenantId, [sub]);
    await setStaffGrant(tool.t.ctx.db, tenantId, person!.id, { role, schoolId }, true);
    return person!;
  };

  it('refuses someone the tool gave no school to view (403), then shows a school leader their school only', async () => {
    const first = await fromAccount('lead-aspen');
    expect(new URL(first.url).pathname).to.equal('/schools');
    expect(first.status).to.equal(403);
    await grant('lead-aspen', 'school_leader', schools.a);
    const res = await fromAccount('lead-aspen');
    expect(res.status, res.body).to.equal(200);
    expect(new URL(res.url).pathname).to.equal('/schools');
    const page = decoded(res.body);
    expect(page).to.contain('Your schools').and.to.contain('>Aspen High</a>');
    expect(page).not.to.contain('Birch Middle');
    expect(page).not.to.contain('every school of the district');
  });

  it('shows a district leader of every school both schools and the district', async () => {
    await fromAccount('lead-district');
    await grant('lead-district', 'district_leader', null);
    const res = await fromAccount('lead-district');
    expect(new URL(res.url).pathname).to.equal('/schools');
    const page = decoded(res.body);
    expect(page).to.contain('>Aspen High</a>').and.to.contain('>Birch Middle</a>').and.to.contain('You look after every school of the district.');
  });

  it('sends a leader who opens the tool without a course from /home to their schools', async () => {
    const [person] = await tool.t.ctx.roster.findPeopleBySub(tenantId, ['lead-aspen']);
    const res = await asUser(tool.t.app, await ltikFor(tool.t.ctx, person!, 'guest', null)).get('/home').expect(302);
    expect(new URL(res.headers.location as string, 'http://x').pathname).to.equal('/schools');
  });
});
