import { expect } from 'chai';
import { lmsSchoolOf } from '../../../src/schools/lms-school.js';
import { raceEthnicityOf } from '../../../src/schools/groups.js';

describe('schools: pure helpers', () => {
  it('reads the launch\'s school from Canvas\'s account substitutions, ignoring unfilled ones', () => {
    expect(lmsSchoolOf({ canvas_account_id: '42', canvas_account_name: ' Lincoln High School ' })).to.deep.equal({ lmsKey: '42', name: 'Lincoln High School' });
    expect(lmsSchoolOf({ canvas_account_id: '42', canvas_account_name: '$Canvas.account.name' })).to.deep.equal({ lmsKey: '42' });
    expect(lmsSchoolOf({ canvas_account_id: '$Canvas.account.id' })).to.equal(undefined);
    expect(lmsSchoolOf({ canvas_account_id: 42 })).to.equal(undefined);
    expect(lmsSchoolOf(undefined)).to.equal(undefined);
  });

  it('makes one race/ethnicity value of OneRoster\'s flags', () => {
    expect(raceEthnicityOf({ hispanicOrLatinoEthnicity: true, white: true, asian: true })).to.equal('hispanic_latino');
    expect(raceEthnicityOf({ white: true, asian: true })).to.equal('two_or_more');
    expect(raceEthnicityOf({ white: true, demographicRaceTwoOrMoreRaces: true })).to.equal('two_or_more');
    expect(raceEthnicityOf({ nativeHawaiianOrOtherPacificIslander: true })).to.equal('native_hawaiian_pacific_islander');
    expect(raceEthnicityOf({ white: false, hispanicOrLatinoEthnicity: false })).to.equal(undefined);
  });
});
