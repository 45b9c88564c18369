import { expect } from 'chai';
import { schoology } from '../../../src/lti/families/schoology.js';
import { installGuideView, toolUrls } from '../../../src/lti/families/family.js';
import { claimKeys, courseSisIdsOf, type LaunchClaims } from '../../../src/lti/launch.schemas.js';

const claimsWith = (custom: Record<string, unknown> | undefined, lis?: Record<string, unknown>) => ({ [claimKeys.custom]: custom, [claimKeys.lis]: lis }) as unknown as LaunchClaims;

describe('Schoology: the building a launch came from', () => {
  it('reads the building_id custom parameter as the school key, unnamed; unfilled or absent is no school', () => {
    expect(schoology.schoolKeyOf!(claimsWith({ building_id: '5171921' }))).to.deep.equal({ lmsKey: '5171921', name: '' });
    expect(schoology.schoolKeyOf!(claimsWith({ building_id: 5171921 }))).to.deep.equal({ lmsKey: '5171921', name: '' });
    expect(schoology.schoolKeyOf!(claimsWith({ building_id: ' 77 ' }))).to.deep.equal({ lmsKey: '77', name: '' });
    expect(schoology.schoolKeyOf!(claimsWith({ building_id: '$com.schoology.Context.Building.id' }))).to.equal(null);
    expect(schoology.schoolKeyOf!(claimsWith({ building_id: '' }))).to.equal(null);
    expect(schoology.schoolKeyOf!(claimsWith({}))).to.equal(null);
    expect(schoology.schoolKeyOf!(claimsWith(undefined))).to.equal(null);
  });

  it('has the admin add the building parameter, and deep-linked links carry it themselves', () => {
    const view = installGuideView(schoology.install, toolUrls('https://tool.example'));
    const pasted = view.steps.flatMap((s) => s.paste.map((p) => p.value));
    expect(pasted).to.include('building_id=$com.schoology.Context.Building.id');
    expect(schoology.linkCustom).to.deep.equal({ building_id: '$com.schoology.Context.Building.id' });
  });
});

describe("a launch's course SIS ids (lis claim)", () => {
  it('gives the section first, then the offering; the same id once; blank or absent none', () => {
    expect(courseSisIdsOf(claimsWith({}, { course_section_sourcedid: 'CLS-1', course_offering_sourcedid: 'CRS-1' }))).to.deep.equal([{ sisId: 'CLS-1', rank: 0 }, { sisId: 'CRS-1', rank: 1 }]);
    expect(courseSisIdsOf(claimsWith({}, { course_offering_sourcedid: 'CRS-1' }))).to.deep.equal([{ sisId: 'CRS-1', rank: 1 }]);
    expect(courseSisIdsOf(claimsWith({}, { course_section_sourcedid: 'X', course_offering_sourcedid: 'X' }))).to.deep.equal([{ sisId: 'X', rank: 0 }]);
    expect(courseSisIdsOf(claimsWith({}, { course_section_sourcedid: '  ', person_sourcedid: 'S1' }))).to.deep.equal([]);
    expect(courseSisIdsOf(claimsWith({}))).to.deep.equal([]);
  });
});
