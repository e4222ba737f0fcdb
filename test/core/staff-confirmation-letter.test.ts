import { describe, expect, it } from 'vitest';
import {
  LETTERS_END,
  letterHtml,
  lettersStart,
  type Letter,
} from '../../src/core/registration/confirmation-letter.js';

const LETTER: Letter = {
  language: 'en',
  contactName: 'Ana <Ruiz>',
  businessName: null,
  address: '1200 E White Oak St',
  unit: 'Apt 2',
  formNumber: 'PF-0042',
  reference: '7K3M-9QXP-3HTD',
  manageCode: 'K7M2-9QXP-3HTD-W4RA',
  cameraLabels: ['Porch'],
};
const OPTIONS = {
  programName: 'Community Camera Program',
  manageUrl: 'https://city.example/cameras.html?mode=manage',
  date: new Date(Date.UTC(2026, 10, 30, 12)),
};

describe('letterHtml', () => {
  it('carries the reference, the code and a manage link with the reference only', () => {
    const html = letterHtml(LETTER, OPTIONS);
    expect(html).toContain('<dd>7K3M-9QXP-3HTD</dd>');
    expect(html).toContain('<dd>K7M2-9QXP-3HTD-W4RA</dd>');
    expect(html).toContain(
      'go to https://city.example/cameras.html?mode=manage&amp;ref=7K3M-9QXP-3HTD (your reference',
    );
    expect(html).not.toMatch(/ref=[^ ]*K7M2/);
    expect(html).toContain('Ana &lt;Ruiz&gt;<br>1200 E White Oak St, Apt 2');
    expect(html).toContain('We have entered your paper form (number PF-0042)');
  });

  it('says the right thing for a form without a number and for an assisted entry', () => {
    expect(letterHtml({ ...LETTER, formNumber: null }, OPTIONS)).toContain(
      'We have entered your paper form and registered one camera (Porch).',
    );
    const assisted = letterHtml({ ...LETTER, channel: 'officer_assisted' }, OPTIONS);
    expect(assisted).toContain('Program staff have registered one camera (Porch) with you.');
    expect(assisted).not.toContain('paper form');
  });

  it('writes in Spanish for a Spanish speaker, with the program points in Spanish', () => {
    const html = letterHtml(
      { ...LETTER, language: 'es', cameraLabels: ['Porche', 'Patio'] },
      { ...OPTIONS, about: { en: ['Voluntary.'], es: ['Es voluntario.'] } },
    );
    expect(html).toContain('<section class="letter" lang="es">');
    expect(html).toContain('registrado 2 cámaras (Porche, Patio)');
    expect(html).toContain('<ul class="about"><li>Es voluntario.</li></ul>');
    expect(html).not.toContain('Voluntary.');
    expect(html).toContain('30 de noviembre de 2026');
  });

  it('asks the resident to contact the program when there is no manage page', () => {
    const html = letterHtml(LETTER, { ...OPTIONS, manageUrl: undefined });
    expect(html).toContain('contact the program and give both codes');
    expect(html).not.toContain('ref=');
    expect(html).not.toContain('class="about"');
  });
});

describe('lettersStart', () => {
  it('opens a document in the letter’s language', () => {
    expect(lettersStart('Carta', 'es')).toContain('<html lang="es">');
    expect(lettersStart('Letters')).toContain('<html lang="en">');
    expect(LETTERS_END).toContain('</html>');
  });
});
