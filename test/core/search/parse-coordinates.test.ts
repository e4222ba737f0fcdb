import { describe, expect, it } from 'vitest';
import { formatCoordinates, parseCoordinates } from '../../../src/core/search/parse-coordinates.js';

const LAT = 39 + 5 / 60 + 12.3 / 3600;
const LON = -(94 + 24 / 60 + 55 / 3600);

function point(text: string): readonly [number, number] {
  const parsed = parseCoordinates(text);
  if (!parsed.ok) throw new Error(`${text} → ${parsed.issue}`);
  return parsed.value;
}

describe('parseCoordinates', () => {
  it.each([
    '39.0868, -94.4155',
    '39.0868,-94.4155',
    '39.0868 -94.4155',
    '39.0868; -94.4155',
    '  +39.0868   -94.4155 ',
    '-94.4155, 39.0868',
    '39.0868N 94.4155W',
    '39.0868° N, 94.4155° W',
    'N 39.0868 W 94.4155',
    '94.4155 W 39.0868 N',
    '39.0868 n 94.4155 o',
  ])('reads decimal degrees %j', (text) => {
    const [lon, lat] = point(text);
    expect(lat).toBeCloseTo(39.0868, 9);
    expect(lon).toBeCloseTo(-94.4155, 9);
  });

  it.each([
    `39°05'12.3"N 94°24'55"W`,
    `39°05'12.3"N, 94°24'55"W`,
    '39° 5′ 12.3″ N 94° 24′ 55″ W',
    `39º05'12.3''N 94º24'55''W`,
    '39 05 12.3 N 94 24 55 W',
    'N39 05 12.3 W94 24 55',
    `39d05m12.3sec N 94d24m55sec W`,
    `39°05'12.3" -94°24'55"`,
    '39 05 12.3, -94 24 55',
    '39 05 12.3 -94 24 55',
  ])('reads degrees, minutes and seconds %j', (text) => {
    const [lon, lat] = point(text);
    expect(lat).toBeCloseTo(LAT, 9);
    expect(lon).toBeCloseTo(LON, 9);
  });

  it('reads degrees and decimal minutes, and the southern and eastern hemispheres', () => {
    const [lon, lat] = point(`N 39°05.205' W 94°24.917'`);
    expect(lat).toBeCloseTo(39 + 5.205 / 60, 9);
    expect(lon).toBeCloseTo(-(94 + 24.917 / 60), 9);
    expect(point('33°52′04″S 151°12′36″E')).toEqual([
      expect.closeTo(151.21, 9),
      expect.closeTo(-(33 + 52 / 60 + 4 / 3600), 9),
    ]);
    expect(point('39 05 S 94 24 E')[1]).toBeCloseTo(-(39 + 5 / 60), 9);
  });

  it.each([
    ['', 'EMPTY'],
    ['   ', 'EMPTY'],
    ['123 Main St', 'FORMAT'],
    ['39.0868', 'FORMAT'],
    ['39.0868, -94.4155, 12', 'FORMAT'],
    ['39.0868 N 94.4155 S', 'FORMAT'],
    [`39°65'00"N 94°24'55"W`, 'FORMAT'],
    [`39.5°05'N 94°24'W`, 'FORMAT'],
    ['-39.0868 N 94.4155 W', 'FORMAT'],
    ['39 N 94 N', 'FORMAT'],
    [`39'05° N 94 W`, 'FORMAT'],
    ['91, 181', 'RANGE'],
    ['95.5, -94.4155', 'RANGE'],
    ['39.0868, -194.4155', 'RANGE'],
  ])('refuses %j (%s)', (text, issue) => {
    expect(parseCoordinates(text)).toEqual({ ok: false, issue });
  });

  it('formats back as lat, lon', () => {
    expect(formatCoordinates([-94.4155, 39.0868])).toBe('39.08680, -94.41550');
    expect(point(formatCoordinates([-94.41551234, 39.08681234], 8))).toEqual([
      expect.closeTo(-94.41551234, 9),
      expect.closeTo(39.08681234, 9),
    ]);
  });
});
