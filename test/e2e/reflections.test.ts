import { expect } from 'chai';
import type { Frame } from 'playwright-core';
import { axeProblems, launchAs, openBrowser, startBrowserTool, type BrowserTool } from '../support/browser.js';

/**
 * Issue 13 item 2 through the sandbox LMS in Chromium: a school leader, on her school's team, starts a
 * reflection cycle from the leader home, rates a look-for of "supportive relationships" and writes the
 * team's reflection on it, attaches the coverage card (its figures as of today beside now) and adds an
 * action with an owner; axe-core checks the cycle page.
 */
describe('sandbox LMS in Chromium: a school team fills a reflection', function () {
  this.timeout(180_000);
  let tool: BrowserTool;

  before(async () => {
    tool = await startBrowserTool();
  });
  after(async () => {
    await tool?.stop();
  });

  const accessible = async (frame: Frame, what: string) => expect(await axeProblems(frame), what).to.deep.equal([]);

  it('fills "supportive relationships", attaches the coverage card and adds an action with an owner', async () => {
    const { page, close } = await openBrowser();
    try {
      const frame = await launchAs(page, tool.port, 'school leader (account)', '/schools');
      await frame.getByRole('heading', { name: 'Your schools' }).waitFor();
      await frame.getByRole('link', { name: 'Reflection cycles of this school\'s team (Lincoln High School)' }).click();
      await frame.getByRole('heading', { name: /^Reflection cycles: Lincoln High School/ }).waitFor();
      await frame.getByLabel('Title').fill('Autumn reflection');
      await frame.getByRole('button', { name: 'Start the cycle' }).click();
      await frame.getByRole('heading', { name: 'Autumn reflection', level: 1 }).waitFor();

      const relationships = frame.locator('section[aria-labelledby="component-relationships"]');
      const lookFor = relationships.locator('select[name="rating"]').first();
      await lookFor.selectOption('emerging');
      await relationships.getByRole('button', { name: /^Save rating/ }).first().click();
      await frame.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect(await frame.locator('section[aria-labelledby="component-relationships"] select[name="rating"]').first().inputValue()).to.equal('emerging');

      await frame.getByLabel('Reflection on Supportive relationships').fill('Most ninth graders name an adult they trust; advisory is where it happens.');
      await frame.getByRole('button', { name: 'Save the reflection on Supportive relationships' }).click();
      await frame.getByRole('status').filter({ hasText: 'Saved.' }).waitFor();
      expect(await frame.getByLabel('Reflection on Supportive relationships').inputValue()).to.contain('advisory is where it happens');

      await frame.locator('#card-kind-relationships').selectOption('coverage');
      await relationships.getByRole('button', { name: /^Attach the card/ }).click();
      const card = frame.locator('section[aria-labelledby="component-relationships"] table[data-card="coverage"]');
      await card.waitFor();
      expect(await card.locator('thead').innerText()).to.match(/As of/).and.to.match(/Now/);
      const students = await card.locator('tbody tr').first().locator('td').allInnerTexts();
      expect(students, 'the day\'s figure beside now').to.have.length(2);
      expect(Number(students[0])).to.be.greaterThan(0);

      await frame.locator('#new-action-title').fill('Map every ninth grader to a trusted adult');
      const owner = frame.locator('#new-action-owner');
      const ownerName = (await owner.locator('option').nth(1).innerText()).trim();
      await owner.selectOption({ index: 1 });
      await frame.locator('#new-action-due').fill('2030-11-01');
      await frame.getByRole('button', { name: 'Add the action' }).click();
      const action = frame.locator('li.map-action').filter({ hasText: 'Map every ninth grader to a trusted adult' });
      await action.waitFor();
      expect(await action.innerText()).to.contain(ownerName);
      await accessible(frame, 'cycle page');
    } finally {
      await close();
    }
  });
});
