import { expect } from 'chai';
import { canvasCourse, type CanvasCourse } from '../../support/canvas-launch.js';

const instructor = 'http://purl.imsglobal.org/vocab/lis/v2/membership#Instructor';

/** Canvas fills the tool's `timezone` custom field from $Person.address.timezone: the first real zone becomes the school's. */
describe('the school\'s time zone from a Canvas launch', () => {
  let canvas: CanvasCourse;

  before(async () => {
    const teachers = [['no-zone', undefined], ['martian', 'Mars/Olympus_Mons'], ['angeleno', 'America/Los_Angeles'], ['parisian', 'Europe/Paris']] as const;
    canvas = await canvasCourse('Canvas with zones', teachers.map(([sub, timeZone]) => ({ sub, name: `Teacher ${sub}`, timeZone, role: instructor })));
  });
  after(async () => canvas.close());

  const zone = async () => (await canvas.tool.t.ctx.platforms.find(canvas.tenantId))!.timeZone;

  it('asks Canvas for the zone in the custom fields an admin pastes', () => {
    expect(canvas.customFields).to.include({ timezone: '$Person.address.timezone' });
  });

  it('a variable Canvas could not fill, or a name that is no zone, is ignored', async () => {
    await canvas.launchAs('no-zone'); // Canvas sends the literal "$Person.address.timezone"
    expect(await zone()).to.equal(null);
    await canvas.launchAs('martian');
    expect(await zone()).to.equal(null);
  });

  it('the first valid zone is kept, and a later launch from elsewhere does not change it', async () => {
    await canvas.launchAs('angeleno');
    expect(await zone()).to.equal('America/Los_Angeles');
    expect(await canvas.tool.t.ctx.platforms.timeZoneOf(canvas.tenantId)).to.equal('America/Los_Angeles');
    await canvas.launchAs('parisian');
    expect(await zone()).to.equal('America/Los_Angeles');
  });
});
