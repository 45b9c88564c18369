import { expect } from 'chai';
import { sql } from 'drizzle-orm';
import { canvasCourse, type CanvasCourse } from '../../support/canvas-launch.js';
import { queryRows } from '../../../src/db/client.js';

const learner = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Learner';

/**
 * Issue 10, identity matching: Canvas fills $Canvas.user.id and $Canvas.user.sisSourceId into the tool's
 * custom fields; the launch keeps the SIS id on the person and links the Canvas user id, so the Canvas
 * REST connector's rows find the student by stable ids.
 */
describe('a Canvas launch records the stable ids the connectors match on', () => {
  let canvas: CanvasCourse;

  before(async () => {
    canvas = await canvasCourse('Canvas with ids', [
      { sub: 'with-ids', name: 'Student With Ids', lmsUserId: '4471', sourcedId: 'SIS-4471', role: learner },
      { sub: 'without', name: 'Student Without', role: learner },
    ]);
  });
  after(async () => canvas.close());

  const db = () => canvas.tool.t.ctx.db;
  const links = () => queryRows<{ source: string; external_id: string; sub: string; sis_id: string | null }>(db(), sql`
    select i.source, i.external_id, p.sub, p.sis_id from person_identities i join people p on p.tenant_id = i.tenant_id and p.id = i.person_id
    where i.tenant_id = ${canvas.tenantId} order by p.sub`);

  it('asks Canvas for both ids in the custom fields an admin pastes', () => {
    expect(canvas.customFields).to.include({ canvas_user_id: '$Canvas.user.id', sis_id: '$Canvas.user.sisSourceId' });
  });

  it('links the Canvas user id once, keeps the SIS id, and takes nothing from a variable Canvas could not fill', async () => {
    await canvas.launchAs('with-ids');
    await canvas.launchAs('with-ids');
    await canvas.launchAs('without');
    expect(await links()).to.deep.equal([{ source: 'canvas', external_id: '4471', sub: 'with-ids', sis_id: 'SIS-4471' }]);
    const [without] = await queryRows<{ sis_id: string | null }>(db(), sql`select sis_id from people where tenant_id = ${canvas.tenantId} and sub = 'without'`);
    expect(without!.sis_id).to.equal(null);
    const matched = await canvas.tool.t.ctx.identities.match(canvas.tenantId, 'canvas', [{ externalId: '4471' }]);
    expect(matched.size).to.equal(1);
  });
});
