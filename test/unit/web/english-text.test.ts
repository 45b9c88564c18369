import { expect } from 'chai';
import { englishDetector, englishPhrases, sampleSchoolData } from '../../support/english-text.js';
import { t } from '../../../src/web/i18n.js';

describe('the English-text detector (the Spanish crawl)', () => {
  const detector = englishDetector('es', ['Maya Rodriguez', 'I want to pass Algebra with a B or better']);

  it('finds the tool\'s English texts, whole, and leaves texts both languages share', () => {
    expect(detector.find(t('errors.notFound.detail'))).to.deep.equal(['There is nothing at this address']);
    expect(detector.find(t('layout.footer'))).to.deep.equal(['Student records are private. Every view and change is logged']);
    expect(englishPhrases('es')).not.to.include('Plan');
    expect(detector.find('Plan')).to.deep.equal([]);
  });

  it('takes no word the Spanish texts use themselves for English: "active la clave", the product\'s name', () => {
    expect(englishPhrases('es')).not.to.include('active').and.not.to.include('Success Plans');
    expect(detector.find(t('install.canvas.review', {}, 'es'))).to.deep.equal([]);
    expect(detector.find('advisor')).to.deep.equal(['advisor']);
  });

  it('finds English no locale file holds: two English function words', () => {
    expect(detector.find('Write what you want to work on this week')).to.have.length(1);
    expect(detector.find('Escribe en qué quieres trabajar esta semana')).to.deep.equal([]);
  });

  it('passes every Spanish text of the tool', () => {
    for (const key of ['layout.footer', 'errors.internal.detail', 'home.guest.detail', 'roster.waiting.failed', 'lti.newWindow.why', 'recordViews.intro']) {
      expect(detector.find(t(key, {}, 'es')), key).to.deep.equal([]);
    }
  });

  it('leaves data alone: names and what people wrote, even inside a Spanish sentence', () => {
    expect(detector.find('Maya Rodriguez')).to.deep.equal([]);
    expect(detector.find('Meta: I want to pass Algebra with a B or better')).to.deep.equal([]);
    const data = sampleSchoolData();
    expect(data.length).to.be.greaterThan(20);
    // The sandbox's Canvas course titles are data too (a student's data page lists "English 9").
    expect(englishDetector('es', data).find('English 9')).to.deep.equal([]);
    expect(englishDetector('es', data).find(data[0]!)).to.deep.equal([]);
    // A code the data holds (a voice, a category) is no name: it is not blanked out of the tool's texts.
    // English around data is reported as the page shows it, not with the data cut out of it.
    expect(detector.find("Maya Rodriguez's words are shown here for you")).to.deep.equal(["Maya Rodriguez's words are shown here for you"]);
    expect(englishDetector('es', ['student', 'adult']).find(t('layout.footer'))).to.deep.equal(['Student records are private. Every view and change is logged']);
  });

  it("leaves pieces of what people wrote alone (the plan history's word diff), not English around them", () => {
    const wrote = englishDetector('es', ['I liked the trainer who helped me with my knee, and my advisor said to ask']);
    expect(wrote.find('the trainer who helped me with')).to.deep.equal([]);
    expect(wrote.find('advisor')).to.deep.equal([]);
    expect(wrote.find('the trainer who helped me with the form you saved')).to.not.deep.equal([]);
  });
});
