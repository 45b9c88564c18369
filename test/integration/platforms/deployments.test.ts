import { expect } from 'chai';
import { startTool, type RunningTool } from '../../support/tool-server.js';
import { startSimulator, type RunningSimulator } from '../../support/simulator.js';
import { LtiAgent } from '../../support/lti-agent.js';
import { LIS } from '../../support/launch-fixture.js';
import type { Tenant } from '../../../src/platforms/platforms.service.js';

const COURSE = 'course-deployments';

/** A platform that registered the tool through Dynamic Registration, with a course, a teacher and an admin. */
async function registeredDynamically(tool: RunningTool, opts: { registrationReturnsDeploymentId: boolean }): Promise<{ lms: RunningSimulator; tenant: Tenant }> {
  const lms = await startSimulator('canvas', opts);
  const start = await lms.sim.registrationStartUrl(`${tool.baseUrl}/lti/register`);
  const res = await fetch(start, { headers: { accept: 'text/html' } });
  expect(res.status, await res.text()).to.equal(200);
  const tenant = (await tool.t.ctx.platforms.list()).find((t) => t.issuer === lms.sim.issuer)!;
  lms.sim.addCourse({ id: COURSE, label: 'ADV', title: 'Advisory', custom: { advisory: 'true' } });
  lms.sim.addUser({ sub: 'teacher', name: 'Tess Teacher' });
  lms.sim.enroll(COURSE, 'teacher', [`${LIS}membership#Instructor`]);
  lms.sim.addUser({ sub: 'admin', name: 'Ann Admin', roles: [`${LIS}institution/person#Administrator`] });
  lms.sim.enroll(COURSE, 'admin', [`${LIS}institution/person#Administrator`]);
  return { lms, tenant };
}

describe('deployments of a dynamically registered platform', () => {
  let tool: RunningTool;
  before(async () => {
    tool = await startTool();
  });
  after(async () => {
    await tool.close();
  });

  const launch = (lms: RunningSimulator, tenant: Tenant, userSub: string, deploymentId: string) =>
    new LtiAgent().launch(lms.sim.launchUrl({ clientId: tenant.clientId, userSub, courseId: COURSE, deploymentId }));

  it('where the registration returned a deployment id, only that deployment launches', async () => {
    const { lms, tenant } = await registeredDynamically(tool, { registrationReturnsDeploymentId: true });
    try {
      expect(tenant.acceptNewDeployments).to.equal(false);
      const [issued] = lms.sim.tool(tenant.clientId)!.deploymentIds;
      expect(await tool.t.ctx.platforms.listDeployments(tenant.id)).to.deep.equal([issued]);
      const ok = await launch(lms, tenant, 'teacher', issued!);
      expect(ok.status).to.equal(200);
      expect(new URL(ok.url).pathname).to.equal('/caseload');

      const forged = await launch(lms, tenant, 'teacher', 'deployment-never-issued');
      expect(forged.status).to.equal(403);
      expect(await tool.t.ctx.platforms.listDeployments(tenant.id)).to.deep.equal([issued]);
    } finally {
      await lms.close();
    }
  });

  it('without one (Canvas), records the first launch\'s deployment, holds any other for an admin\'s approval, then lets it in', async () => {
    const { lms, tenant } = await registeredDynamically(tool, { registrationReturnsDeploymentId: false });
    try {
      expect(tenant.acceptNewDeployments).to.equal(false);
      const first = lms.sim.deploy(tenant.clientId);
      const ok = await launch(lms, tenant, 'teacher', first);
      expect(ok.status).to.equal(200);
      expect(await tool.t.ctx.platforms.listDeployments(tenant.id)).to.deep.equal([first]);

      const second = lms.sim.deploy(tenant.clientId);
      const held = await launch(lms, tenant, 'teacher', second);
      expect(held.status).to.equal(403);
      expect(held.body).to.match(/administrator/i).and.to.match(/approv/i);
      // Shown inside the LMS: its origin may frame the refusal.
      expect(held.headers.get('content-security-policy')).to.contain(new URL(lms.sim.issuer).origin);
      expect(await tool.t.ctx.platforms.listDeployments(tenant.id)).to.deep.equal([first]);
      // Asking again changes nothing.
      expect((await launch(lms, tenant, 'teacher', second)).status).to.equal(403);

      const admin = await launch(lms, tenant, 'admin', first);
      expect(new URL(admin.url).pathname).to.equal('/admin');
      const page = await fetch(`${tool.baseUrl}/admin/platforms?ltik=${admin.ltik}`, { headers: { accept: 'text/html' } });
      const html = await page.text();
      expect(page.status).to.equal(200);
      expect(html).to.contain('waiting for approval').and.to.contain(`Allow deployment ${second}`);

      const approve = await fetch(`${tool.baseUrl}/admin/platforms/${tenant.id}/deployments/approve`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
        body: new URLSearchParams({ ltik: admin.ltik!, deploymentId: second }),
        redirect: 'manual',
      });
      expect(approve.status).to.equal(303);
      expect(await tool.t.ctx.platforms.listDeployments(tenant.id)).to.have.members([first, second]);
      const audit = await tool.t.ctx.audit.list(tenant.id, { limit: 10 });
      expect(audit.some((e) => e.entity === 'deployment' && e.entityId === second && e.action === 'update')).to.equal(true);

      const now = await launch(lms, tenant, 'teacher', second);
      expect(now.status).to.equal(200);
      expect(new URL(now.url).pathname).to.equal('/caseload');
      const after = await (await fetch(`${tool.baseUrl}/admin/platforms?ltik=${admin.ltik}`, { headers: { accept: 'text/html' } })).text();
      expect(after).not.to.contain(`value="${second}"`);
    } finally {
      await lms.close();
    }
  });

  it('an admin of another platform cannot approve; an unknown deployment is a 404', async () => {
    const { lms, tenant } = await registeredDynamically(tool, { registrationReturnsDeploymentId: false });
    const other = await registeredDynamically(tool, { registrationReturnsDeploymentId: false });
    try {
      const first = lms.sim.deploy(tenant.clientId);
      const admin = await launch(lms, tenant, 'admin', first);
      const post = (tenantId: string, deploymentId: string) =>
        fetch(`${tool.baseUrl}/admin/platforms/${tenantId}/deployments/approve`, {
          method: 'POST',
          headers: { 'content-type': 'application/x-www-form-urlencoded', accept: 'text/html' },
          body: new URLSearchParams({ ltik: admin.ltik!, deploymentId }),
          redirect: 'manual',
        });
      const otherFirst = other.lms.sim.deploy(other.tenant.clientId);
      await launch(other.lms, other.tenant, 'teacher', otherFirst);
      const otherSecond = other.lms.sim.deploy(other.tenant.clientId);
      expect((await launch(other.lms, other.tenant, 'teacher', otherSecond)).status).to.equal(403);
      expect((await post(other.tenant.id, otherSecond)).status).to.equal(403);
      expect(await tool.t.ctx.platforms.listDeployments(other.tenant.id)).to.deep.equal([otherFirst]);
      expect((await post(tenant.id, 'never-seen')).status).to.equal(404);
    } finally {
      await lms.close();
      await other.lms.close();
    }
  });
});
