import { describe, expect, it } from 'vitest';
import { manageLink, referenceFromQuery } from '../../src/core/change-requests/manage-link.js';

describe('manageLink', () => {
  it('adds the reference to the page’s query, before any fragment', () => {
    expect(manageLink('https://city.example/manage.html', '7K3M-9QXP-3HTD')).toBe(
      'https://city.example/manage.html?ref=7K3M-9QXP-3HTD',
    );
    expect(manageLink('https://city.example/r.html?mode=manage#form', '7k3m 9qxp 3htd')).toBe(
      'https://city.example/r.html?mode=manage&ref=7K3M-9QXP-3HTD#form',
    );
  });

  it('replaces a reference already in the query and keeps the rest', () => {
    expect(manageLink('https://city.example/r.html?ref=OLD&lang=es&', 'AAAA-BBBB-CCCC')).toBe(
      'https://city.example/r.html?lang=es&ref=AAAA-BBBB-CCCC',
    );
  });
});

describe('referenceFromQuery', () => {
  it('reads back what manageLink wrote', () => {
    const link = manageLink('https://city.example/r.html?mode=manage', '7K3M-9QXP-3HTD');
    expect(referenceFromQuery(link.slice(link.indexOf('?')))).toBe('7K3M-9QXP-3HTD');
  });

  it('normalizes what was typed or pasted, as the form does', () => {
    expect(referenceFromQuery('?ref=7k3m9qxp3htd')).toBe('7K3M-9QXP-3HTD');
    expect(referenceFromQuery('mode=manage&ref=7k3m+9qxp+3htd')).toBe('7K3M-9QXP-3HTD');
    expect(referenceFromQuery('?ref=7K3M%2D9QXP%2D3HTO')).toBe('7K3M-9QXP-3HT0');
  });

  it('gives nothing for a missing, malformed or impossible reference', () => {
    expect(referenceFromQuery('')).toBe('');
    expect(referenceFromQuery('?mode=manage')).toBe('');
    expect(referenceFromQuery('?ref')).toBe('');
    expect(referenceFromQuery('?ref=')).toBe('');
    expect(referenceFromQuery('?ref=%E0%A4%A')).toBe('');
    // One group short, one long, and letters Crockford base32 leaves out.
    expect(referenceFromQuery('?ref=7K3M-9QXP')).toBe('');
    expect(referenceFromQuery('?ref=7K3M-9QXP-3HTD-W4RA')).toBe('');
    expect(referenceFromQuery('?ref=UUUU-9QXP-3HTD')).toBe('');
    expect(referenceFromQuery('?ref=<script>')).toBe('');
  });

  it('takes the first reference when there are several', () => {
    expect(referenceFromQuery('?ref=AAAA-BBBB-CCCC&ref=DDDD-EEEE-FFFF')).toBe('AAAA-BBBB-CCCC');
  });
});
