import axe from 'axe-core';
import geographiclib from 'geographiclib-geodesic';
import { afterEach, beforeAll, describe, expect, it } from 'vitest';
import { page, userEvent } from 'vitest/browser';
import { sessionFromHost } from '../../widgets/incident-search/sign-in.js';
import { ArcgisReviewMap, type CamRegistryReview } from '../../widgets/registry-review/index.js';
import {
  announcement,
  applyEdits,
  deep,
  deepActive,
  deepQuery,
  deepText,
  mountReview,
  OFFICER,
  openEntry,
  query,
  registerResident,
  requestChange,
  signIn,
  signInAnalyst,
  SOURCE,
  tokenFor,
  type,
  until,
  type Resident,
} from './registry-review-helpers.js';

const WGS84 = geographiclib.Geodesic.WGS84;
let analyst = '';
let officer = '';
/** A real address of the demo city (one the geocoder knows), and where it is. */
let address = '';
let addressPoint: readonly [number, number] = [0, 0];
const mounted: CamRegistryReview[] = [];

function track(element: CamRegistryReview): CamRegistryReview {
  mounted.push(element);
  return element;
}

async function axeViolations(element: Element): Promise<string[]> {
  const results = await axe.run(element, { resultTypes: ['violations'] });
  return results.violations.map(
    (v) => `${v.id}: ${v.nodes.map((n) => n.target.join(' ')).join(', ')}`,
  );
}

function reviewLog(siteGuid: string) {
  return query(SOURCE, analyst, 5, `site_guid = '${siteGuid}'`, { orderByFields: 'OBJECTID ASC' });
}

async function site(resident: Resident) {
  const [row] = await query(SOURCE, analyst, 0, `GlobalID = '${resident.siteGuid}'`);
  if (!row) throw new Error('site not found');
  return row;
}

beforeAll(async () => {
  analyst = await tokenFor('analyst1');
  officer = await tokenFor('officer1');
  const [seeded] = await query(SOURCE, analyst, 0, "status = 'verified'", {
    resultRecordCount: '1',
    orderByFields: 'OBJECTID ASC',
  });
  address = String(seeded?.attributes.address);
  addressPoint = [seeded?.geometry?.x ?? -94.4155, seeded?.geometry?.y ?? 39.0911];
});

afterEach(() => {
  for (const element of mounted.splice(0)) element.remove();
  document.documentElement.lang = 'en';
});

describe('<cam-registry-review> queue against the local server', () => {
  it('a resident registration appears in the queue, is verified by analyst1, and officers then find it', async () => {
    const resident = await registerResident(addressPoint, address);
    const box = JSON.stringify({
      xmin: resident.point[0] - 0.001,
      ymin: resident.point[1] - 0.001,
      xmax: resident.point[0] + 0.001,
      ymax: resident.point[1] + 0.001,
      spatialReference: { wkid: 4326 },
    });
    const officerCameras = () =>
      query(OFFICER, officer, 1, '1=1', {
        geometry: box,
        geometryType: 'esriGeometryEnvelope',
        spatialRel: 'esriSpatialRelIntersects',
        inSR: '4326',
        outFields: 'GlobalID,site_guid',
      }).then((rows) => rows.filter((r) => r.attributes.site_guid === resident.siteGuid));
    // Pending: officers cannot see it yet.
    expect(await officerCameras()).toEqual([]);

    const element = track(mountReview());
    await signInAnalyst(element);
    expect(deepText(element)).toContain('Signed in as analyst1');
    await openEntry(element, resident.reference);
    const item = deep(element, 'cam-review-item');
    const text = deepText(item);
    // Submitted values with field aliases and domain labels, and the site's cameras.
    expect(text).toMatch(new RegExp(`Contact name\\s*${resident.contactName}`));
    expect(text).toContain('Willing to share footage');
    expect(text).toContain('Residence');
    expect(deep(item, 'table').querySelectorAll('tbody tr')).toHaveLength(2);
    expect(text).toContain('Front door');
    expect(text).toContain('Driveway');

    deep<HTMLButtonElement>(element, '#verify').click();
    await until(() => announcement(element).includes('verified'), 'the verified announcement');
    expect(announcement(element)).toBe(`${resident.reference} verified. Officers can now find it.`);
    // Focus went on to the queue, not lost with the decided item.
    await until(
      () => deepActive()?.closest('ul.queue') ?? deepActive()?.id === 'queue-heading',
      'focus in the queue',
    );
    expect(deepQuery(element, 'cam-review-item')).toBeNull();

    const stored = (await site(resident)).attributes;
    expect(stored.status).toBe('verified');
    expect(stored.verified_by).toBe('analyst1');
    expect(Math.abs(Number(stored.verified_at) - Date.now())).toBeLessThan(120_000);
    const log = await reviewLog(resident.siteGuid);
    expect(log).toHaveLength(1);
    expect(log[0]?.attributes).toMatchObject({
      decision: 'verified',
      registration_ref: resident.reference,
      Creator: 'analyst1',
    });
    const details = String(log[0]?.attributes.details);
    expect(details).not.toContain(resident.phone);
    expect(details).not.toContain(resident.contactName);
    expect(details).not.toContain(address);

    // The officer view now finds both cameras near it.
    const found = await officerCameras();
    expect(found.map((c) => c.attributes.GlobalID).sort()).toEqual(
      [...resident.cameraGuids].sort(),
    );
  });

  it('moves a site with its cameras by the same offset, by coordinates and by a geocoder candidate', async () => {
    const resident = await registerResident(addressPoint, address);
    const element = track(mountReview());
    await signInAnalyst(element);
    await openEntry(element, resident.reference);
    const before = await query(SOURCE, analyst, 1, `site_guid = '${resident.siteGuid}'`, {
      orderByFields: 'OBJECTID ASC',
    });
    const from = resident.point;
    // About 110 m north and 90 m east.
    const to: [number, number] = [from[0] + 0.001, from[1] + 0.001];

    // A typing slip first: refused in place, nothing moves.
    const coordinates = deep<HTMLInputElement>(element, '#coordinates');
    type(coordinates, 'north of the bakery');
    deep<HTMLButtonElement>(element, '#use-coordinates').click();
    await until(() => coordinates.getAttribute('aria-invalid') === 'true', 'the coordinate issue');
    expect(deep<HTMLButtonElement>(element, '#move').disabled).toBe(true);

    type(coordinates, `${to[1].toFixed(7)}, ${to[0].toFixed(7)}`);
    coordinates.dispatchEvent(new KeyboardEvent('keydown', { key: 'Enter', bubbles: true }));
    await until(() => !deep<HTMLButtonElement>(element, '#move').disabled, 'a target');
    deep<HTMLButtonElement>(element, '#move').click();
    await until(() => announcement(element).includes('moved'), 'the moved announcement');

    const movedSite = await site(resident);
    expect(movedSite.geometry?.x).toBeCloseTo(to[0], 7);
    expect(movedSite.geometry?.y).toBeCloseTo(to[1], 7);
    expect(movedSite.attributes.location_method).toBe('analyst_corrected');
    const after = await query(SOURCE, analyst, 1, `site_guid = '${resident.siteGuid}'`, {
      orderByFields: 'OBJECTID ASC',
    });
    expect(after).toHaveLength(2);
    after.forEach((camera, i) => {
      const was = before[i]?.geometry;
      const now = camera.geometry;
      if (!was || !now) throw new Error('camera without geometry');
      // Same distance and bearing from the site as before (GeographicLib as the oracle).
      const r0 = WGS84.Inverse(from[1], from[0], was.y, was.x);
      const expected = WGS84.Direct(to[1], to[0], r0.azi1 ?? NaN, r0.s12 ?? NaN);
      const miss = WGS84.Inverse(expected.lat2 ?? NaN, expected.lon2 ?? NaN, now.y, now.x).s12;
      // Within 2 cm of where the same offset puts it (stored coordinates are rounded).
      expect(miss).toBeLessThan(0.02);
      // And it really moved (about 140 m).
      expect(WGS84.Inverse(was.y, was.x, now.y, now.x).s12).toBeGreaterThan(100);
    });
    const moved = (await reviewLog(resident.siteGuid)).find(
      (r) => r.attributes.decision === 'moved',
    );
    const details = JSON.parse(String(moved?.attributes.details)) as {
      from: number[];
      to: number[];
      cameras: unknown[];
    };
    expect(details.from[0]).toBeCloseTo(from[0], 6);
    expect(details.to).toEqual([Number(to[0].toFixed(7)), Number(to[1].toFixed(7))]);
    expect(details.cameras).toHaveLength(2);
    expect(moved?.attributes.Creator).toBe('analyst1');
    // The item stayed open, showing the new position.
    await until(
      () => deepText(deep(element, 'cam-review-item')).includes(to[1].toFixed(6)),
      'the new position in the values',
    );

    // Re-geocode: candidates with their scores; choosing one moves everything there.
    deep<HTMLButtonElement>(element, '#geocode').click();
    const first = await until(
      () => deepQuery<HTMLButtonElement>(element, '#candidate-0'),
      'candidates',
    );
    expect(first.textContent).toMatch(/\(score \d+(\.\d)?\)/);
    first.click();
    await until(() => deep(element, '#target').textContent?.includes('New position'), 'target');
    deep<HTMLButtonElement>(element, '#move').click();
    await until(async () => {
      const row = await site(resident);
      return row.attributes.location_method === 'geocoded' && row;
    }, 'the geocoded move');
    const geocoded = await site(resident);
    const candidate = geocoded.geometry;
    if (!candidate) throw new Error('no geometry');
    expect(
      WGS84.Inverse(candidate.y, candidate.x, addressPoint[1], addressPoint[0]).s12,
    ).toBeLessThan(100);
    expect(Number(geocoded.attributes.geocode_score)).toBeGreaterThan(0);
    const cameras = await query(SOURCE, analyst, 1, `site_guid = '${resident.siteGuid}'`);
    for (const camera of cameras) {
      const g = camera.geometry;
      if (!g) throw new Error('camera without geometry');
      expect(WGS84.Inverse(candidate.y, candidate.x, g.y, g.x).s12).toBeLessThan(10);
    }
  });

  it('moves one camera on its own and leaves the site and the other camera', async () => {
    const resident = await registerResident(addressPoint, address);
    const element = track(mountReview());
    await signInAnalyst(element);
    await openEntry(element, resident.reference);
    const before = await query(SOURCE, analyst, 1, `site_guid = '${resident.siteGuid}'`, {
      orderByFields: 'OBJECTID ASC',
    });
    const radios = deep(
      element,
      'cam-review-placement',
    ).shadowRoot?.querySelectorAll<HTMLInputElement>('input[name="moving"]');
    expect(radios).toHaveLength(3);
    radios?.[2]?.click();
    const to: [number, number] = [resident.point[0] - 0.0002, resident.point[1] + 0.0001];
    type(deep<HTMLInputElement>(element, '#coordinates'), `${to[1]}, ${to[0]}`);
    deep<HTMLButtonElement>(element, '#use-coordinates').click();
    await until(() => !deep<HTMLButtonElement>(element, '#move').disabled, 'a target');
    expect(deep(element, '#move').textContent?.trim()).toBe('Move only this camera');
    deep<HTMLButtonElement>(element, '#move').click();
    await until(() => announcement(element).includes('moved'), 'the moved announcement');
    const after = await query(SOURCE, analyst, 1, `site_guid = '${resident.siteGuid}'`, {
      orderByFields: 'OBJECTID ASC',
    });
    expect(after[0]?.geometry).toEqual(before[0]?.geometry);
    expect(after[1]?.geometry?.x).toBeCloseTo(to[0], 7);
    expect(after[1]?.geometry?.y).toBeCloseTo(to[1], 7);
    const stored = await site(resident);
    expect(stored.geometry?.x).toBeCloseTo(resident.point[0], 9);
  });

  it('rejects only with a reason, shows refused edits plainly and changes nothing then', async () => {
    const resident = await registerResident(addressPoint, address);
    const element = track(mountReview());
    await signInAnalyst(element);
    await openEntry(element, resident.reference);

    // No reason: refused in place, focus on the reason, nothing written.
    deep<HTMLButtonElement>(element, '#reject').click();
    const reason = deep<HTMLTextAreaElement>(element, '#reason');
    await until(() => reason.getAttribute('aria-invalid') === 'true', 'the reason issue');
    expect(deep(element, '#issue-reason').textContent?.trim()).toBe('This is required.');
    expect(reason.getAttribute('aria-describedby')).toContain('issue-reason');
    expect(deepActive()).toBe(reason);
    // A reason of spaces only is no reason either.
    type(reason, '   ');
    deep<HTMLButtonElement>(element, '#reject').click();
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect((await site(resident)).attributes.status).toBe('pending');
    expect(await reviewLog(resident.siteGuid)).toEqual([]);

    // Saving corrections that change nothing records nothing, and says so.
    deep<HTMLButtonElement>(element, '#start-edit').click();
    await until(() => deepQuery(element, '#edit-phone'), 'edit form');
    deep<HTMLInputElement>(element, '#edit-phone').form?.requestSubmit();
    await until(() => deep(element, '#item-notice').textContent?.trim(), 'the notice');
    expect(deep(element, '#item-notice').textContent?.trim()).toBe('Nothing was changed.');
    expect(deepActive()?.id).toBe('start-edit');
    expect(await reviewLog(resident.siteGuid)).toEqual([]);

    // An inline correction the core validators refuse: per-field messages, nothing sent.
    deep<HTMLButtonElement>(element, '#start-edit').click();
    const phone = await until(
      () => deepQuery<HTMLInputElement>(element, '#edit-phone'),
      'edit form',
    );
    type(phone, '816-555');
    type(deep<HTMLInputElement>(element, '#edit-email'), 'not an address');
    deep<HTMLInputElement>(element, '#edit-phone').form?.requestSubmit();
    await until(() => phone.getAttribute('aria-invalid') === 'true', 'the phone issue');
    expect(deep(element, '#issue-phone').textContent).toContain('+18165550100');
    expect(deep(element, '#issue-email').textContent).toContain('name@example.org');
    expect(deepActive()).toBe(phone);
    expect((await site(resident)).attributes.phone).toBe(resident.phone);

    // A valid correction is written with an `edited` log row naming the field only.
    type(phone, '+18165550142');
    type(deep<HTMLInputElement>(element, '#edit-email'), '');
    deep<HTMLInputElement>(element, '#edit-phone').form?.requestSubmit();
    await until(() => announcement(element).includes('Corrections'), 'the edited announcement');
    expect((await site(resident)).attributes.phone).toBe('+18165550142');
    const edited = (await reviewLog(resident.siteGuid)).find(
      (r) => r.attributes.decision === 'edited',
    );
    expect(JSON.parse(String(edited?.attributes.details))).toEqual({ fields: ['phone'] });
    expect(JSON.stringify(edited?.attributes)).not.toContain('5550142');
    // The item stays open with the decision in its history: who, when, what.
    const entry = await until(
      () => deepQuery(element, '.history li[data-decision="edited"]'),
      'the history entry',
    );
    expect(entry.textContent?.trim()).toMatch(/^.*\d{4}.*: Corrected by analyst1$/);

    // With a reason the rejection is written, with its reason.
    type(deep<HTMLTextAreaElement>(element, '#reason'), 'Outside the program area');
    deep<HTMLButtonElement>(element, '#reject').click();
    await until(() => announcement(element).includes('rejected'), 'the rejected announcement');
    expect((await site(resident)).attributes.status).toBe('rejected');
    const rejected = (await reviewLog(resident.siteGuid)).find(
      (r) => r.attributes.decision === 'rejected',
    );
    expect(rejected?.attributes).toMatchObject({
      reason: 'Outside the program area',
      Creator: 'analyst1',
    });

    // A decision the service refuses (the site was removed meanwhile): a plain message, and
    // no ReviewLog row without its change.
    const gone = await registerResident(addressPoint, address);
    await openEntry(element, gone.reference);
    const cameraIds = (await query(SOURCE, analyst, 1, `site_guid = '${gone.siteGuid}'`)).map(
      (c) => c.attributes.OBJECTID,
    );
    const siteId = (await site(gone)).attributes.OBJECTID;
    await applyEdits(SOURCE, analyst, [
      { id: 1, deletes: cameraIds },
      { id: 0, deletes: [siteId] },
    ]);
    expect(await query(SOURCE, analyst, 0, `GlobalID = '${gone.siteGuid}'`)).toEqual([]);
    deep<HTMLButtonElement>(element, '#verify').click();
    const failure = await until(() => deepQuery(element, '#decision-failure'), 'the refusal');
    expect(failure.textContent?.trim()).toMatch(/Nothing was changed\.$/);
    expect(failure.textContent).not.toMatch(/OBJECTID|error|1011|undefined/i);
    expect(deepActive()).toBe(failure);
    expect(await reviewLog(gone.siteGuid)).toEqual([]);
  });

  it('approves a held change to a verified site after showing what changes', async () => {
    const resident = await registerResident(addressPoint, address);
    const siteId = (await site(resident)).attributes.OBJECTID;
    await applyEdits(SOURCE, analyst, [
      { id: 0, updates: [{ attributes: { OBJECTID: siteId, status: 'verified' } }] },
    ]);
    expect((await site(resident)).attributes.status).toBe('verified');
    await requestChange(resident, { site: { phone: '+18165550177', unit: 'Apt 2' } });
    await until(async () => {
      const [row] = await query(SOURCE, analyst, 4, `registration_ref = '${resident.reference}'`);
      return row?.attributes.request_status === 'review';
    }, 'the change held for review');

    const element = track(mountReview());
    await signInAnalyst(element);
    const kind = deep<HTMLSelectElement>(element, '#queue-kind');
    kind.value = 'changes';
    kind.dispatchEvent(new Event('change', { bubbles: true }));
    await openEntry(element, `Change to ${resident.reference}`);
    const rows = [...(deepQuery(element, 'table.diff')?.querySelectorAll('tbody tr') ?? [])].map(
      (row) => [...row.children].map((cell) => cell.textContent?.trim()),
    );
    expect(rows).toEqual([
      ['Phone', resident.phone, '+18165550177'],
      ['Unit or suite', '—', 'Apt 2'],
    ]);
    deep<HTMLButtonElement>(element, '#approve-change').click();
    await until(() => announcement(element).includes('approved'), 'the approval');
    // The change-request processor carries it out.
    await until(async () => (await site(resident)).attributes.phone === '+18165550177', 'applied');
    const log = await reviewLog(resident.siteGuid);
    expect(log.map((r) => r.attributes.decision)).toEqual(['change_approved']);
    expect(JSON.parse(String(log[0]?.attributes.details)).fields).toEqual(['phone', 'unit']);
  });

  it('counts the queue and filters it by quality flag, over pending and over all sites', async () => {
    // The expectation, from every site's stored flags split in the test's own code.
    const all: { status: unknown; flags: string[] }[] = [];
    for (let offset = 0; ; offset += 1000) {
      const page = await query(SOURCE, analyst, 0, '1=1', {
        outFields: 'status,quality_flags',
        returnGeometry: 'false',
        resultOffset: String(offset),
        resultRecordCount: '1000',
        orderByFields: 'OBJECTID ASC',
      });
      all.push(
        ...page.map((f) => ({
          status: f.attributes.status,
          flags: String(f.attributes.quality_flags ?? '')
            .split(',')
            .filter(Boolean),
        })),
      );
      if (page.length < 1000) break;
    }
    const pending = all.filter((s) => s.status === 'pending');
    const withFlag = (flag: string, sites: typeof all) =>
      sites.filter((s) => s.flags.includes(flag)).length;
    const flag = 'missing_direction';
    expect(withFlag(flag, all)).toBeGreaterThan(withFlag(flag, pending));

    const element = track(mountReview());
    await signInAnalyst(element);
    const count = () => deep(element, '#queue-count').textContent?.trim();
    const settle = () => until(() => deepQuery(element, '#queue-count[aria-busy="false"]'), 'load');
    expect(count()).toBe(`${pending.length} waiting`);
    // 25 a page, with the pager's own words.
    expect(
      deepQuery(element, 'cam-review-queue')?.shadowRoot?.querySelectorAll('ul.queue li'),
    ).toHaveLength(Math.min(25, pending.length));
    if (pending.length > 25)
      expect(deep(element, '.pages span').textContent).toBe(`Showing 1–25 of ${pending.length}`);

    const choose = async (id: string, value: string, expected: string) => {
      const select = deep<HTMLSelectElement>(element, id);
      select.value = value;
      select.dispatchEvent(new Event('change', { bubbles: true }));
      await until(() => count() === expected, `${id} = ${value}`);
      await settle();
    };
    await choose('#queue-flag', flag, `${withFlag(flag, pending)} waiting`);
    await choose('#queue-kind', 'all', `${withFlag(flag, all)} sites`);
    await choose('#queue-flag', 'no_retention', `${withFlag('no_retention', all)} sites`);
    await choose('#queue-flag', '', `${all.length} sites`);
    // Every listed site of a flag shows it.
    await choose('#queue-flag', flag, `${withFlag(flag, all)} sites`);
    const first = deep<HTMLButtonElement>(element, 'ul.queue button');
    first.click();
    await until(() => deepQuery(element, `li[data-flag="${flag}"]`), 'the flag in the item');
    expect(deep(element, `li[data-flag="${flag}"]`).textContent?.trim()).toBe(
      'Camera direction unknown',
    );
  });

  it('refuses an officer account in plain words, by the form and from a host', async () => {
    const element = track(mountReview());
    await signIn(element, 'officer1');
    const alert = await until(() => deepQuery(element, '#sign-in-failure'), 'the refusal');
    expect(alert.textContent?.trim()).toBe(
      'This account may not review registrations: only GIS analysts and administrators can. Sign in with an analyst account.',
    );
    expect(deepQuery(element, '[role="tablist"]')).toBeNull();
    expect(deepActive()).toBe(alert);
    // The source service itself refuses the officer (403), whatever the widget shows.
    const answer = await fetch(`${SOURCE}/0/query`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({
        f: 'json',
        token: officer,
        where: '1=1',
        returnCountOnly: 'true',
      }),
    }).then((r) => r.json() as Promise<{ error?: { code?: number } }>);
    expect(answer.error?.code).toBe(403);

    const hosted = track(mountReview({ session: sessionFromHost(officer) }));
    await until(() => deepQuery(hosted, '#sign-in-failure'), 'the refusal of a host session');
    expect(deepQuery(hosted, '[role="tablist"]')).toBeNull();
    const analystHosted = track(mountReview({ session: sessionFromHost(analyst) }));
    await until(() => deepQuery(analystHosted, '[role="tablist"]'), 'the workspace for an analyst');
  });

  it('has tabs that follow the arrow keys, and axe finds nothing in English, Spanish and at 375 px', async () => {
    const resident = await registerResident(addressPoint, address);
    const element = track(mountReview());
    expect(await axeViolations(element)).toEqual([]);
    await signInAnalyst(element);
    await openEntry(element, resident.reference);
    expect(await axeViolations(element)).toEqual([]);

    // Up and down walk the queue's items.
    const items = [
      ...(deepQuery(element, 'cam-review-queue')?.shadowRoot?.querySelectorAll<HTMLButtonElement>(
        'ul.queue button',
      ) ?? []),
    ];
    items[0]?.focus();
    await userEvent.keyboard('{ArrowDown}');
    expect(deepActive()).toBe(items[1]);
    await userEvent.keyboard('{ArrowUp}{ArrowUp}');
    expect(deepActive()).toBe(items.at(-1));

    const queueTab = deep<HTMLButtonElement>(element, '#tab-queue');
    queueTab.focus();
    await userEvent.keyboard('{ArrowRight}');
    await until(() => deepActive()?.id === 'tab-duplicates', 'focus on Duplicates');
    expect(deepActive()?.getAttribute('aria-selected')).toBe('true');
    // The panels get the source service and the analyst's session (the panel contract).
    const duplicates = await until(
      () =>
        deepQuery<HTMLElement & { serviceUrl: string; session: { username: string } | null }>(
          element,
          '#panel-duplicates cam-review-duplicates',
        ),
      'the duplicates panel',
    );
    expect(duplicates.serviceUrl).toBe(SOURCE);
    expect(duplicates.session?.username).toBe('analyst1');
    expect(deep(element, '#panel-queue').hidden).toBe(true);
    expect(queueTab.getAttribute('aria-selected')).toBe('false');
    expect(queueTab.tabIndex).toBe(-1);
    await userEvent.keyboard('{End}');
    await until(() => deepActive()?.id === 'tab-paper', 'focus on Paper form');
    const paper = deep(element, '#panel-paper cam-registration');
    expect(paper.getAttribute('mode')).toBe('staff');
    expect(paper.getAttribute('service-url')).toBe(SOURCE);
    await userEvent.keyboard('{ArrowRight}');
    await until(() => deepActive()?.id === 'tab-queue', 'back to Queue');
    expect(await axeViolations(element)).toEqual([]);

    document.documentElement.lang = 'es';
    element.requestUpdate();
    await until(() => deepText(element).includes('Cola de revisión'), 'Spanish');
    await openEntry(element, resident.reference);
    const text = deepText(deep(element, 'cam-review-item'));
    expect(text).toContain('Nombre de contacto');
    expect(text).toContain('Residencia');
    deep<HTMLButtonElement>(element, '#reject').click();
    await until(() => deepQuery(element, '#issue-reason'), 'the Spanish issue');
    expect(deep(element, '#issue-reason').textContent?.trim()).toBe('Este dato es obligatorio.');
    expect(await axeViolations(element)).toEqual([]);

    document.documentElement.lang = 'en';
    const narrow = track(mountReview({}, 375));
    expect(await axeViolations(narrow)).toEqual([]);
    await signInAnalyst(narrow);
    await openEntry(narrow, resident.reference);
    expect(await axeViolations(narrow)).toEqual([]);
    const item = deep(narrow, 'cam-review-item');
    expect(item.getBoundingClientRect().right).toBeLessThanOrEqual(
      narrow.getBoundingClientRect().right + 1,
    );
    expect(narrow.scrollWidth).toBeLessThanOrEqual(375);
  });

  it('shows the site and its cameras on the map, and a click on the map places the site', async () => {
    await page.viewport(1400, 1000);
    const resident = await registerResident(addressPoint, address);
    const adapter = new ArcgisReviewMap('/assets');
    const element = track(mountReview({ noMap: false, mapAdapter: adapter }));
    await signInAnalyst(element);
    await openEntry(element, resident.reference);
    const view = await until(() => adapter.mapView?.ready && adapter.mapView, 'the map', 45_000);
    const layer = await until(() => adapter.graphicsLayer, 'the review layer');
    await until(() => layer.graphics.length === 3, 'the site and two cameras drawn');
    expect(deepQuery(element, '#map-note')).toBeNull();
    await until(() => !view.updating, 'the map to settle');
    expect(await axeViolations(element)).toEqual([]);

    const surface = deep<HTMLElement>(element, '.map-view');
    const x = Math.round(surface.clientWidth / 2 + 60);
    const y = Math.round(surface.clientHeight / 2 - 40);
    await userEvent.click(surface, { position: { x, y } });
    await until(() => layer.graphics.length === 4, 'the chosen point drawn');
    const clicked = view.toMap({ x, y });
    const target = deep(element, '#target').textContent ?? '';
    const [lat, lon] = (target.match(/-?\d+\.\d+/g) ?? []).map(Number);
    expect(lat).toBeCloseTo(clicked.latitude ?? NaN, 5);
    expect(lon).toBeCloseTo(clicked.longitude ?? NaN, 5);
    deep<HTMLButtonElement>(element, '#move').click();
    await until(() => announcement(element).includes('moved'), 'the moved announcement');
    const moved = (await site(resident)).geometry;
    if (!moved) throw new Error('no geometry');
    // Where the click was, to within a pixel or two at this zoom.
    expect(
      WGS84.Inverse(moved.y, moved.x, clicked.latitude ?? NaN, clicked.longitude ?? NaN).s12,
    ).toBeLessThan(1);
    expect(
      WGS84.Inverse(moved.y, moved.x, resident.point[1], resident.point[0]).s12,
    ).toBeGreaterThan(5);
  });

  it('works without the map and says so when the map cannot load', async () => {
    const resident = await registerResident(addressPoint, address);
    const element = track(
      mountReview({
        noMap: false,
        mapAdapter: {
          onMapClick: null,
          mount: () => Promise.reject(new Error('WebGL is not available')),
          show: () => undefined,
          destroy: () => undefined,
        },
      }),
    );
    await signInAnalyst(element);
    await openEntry(element, resident.reference);
    const note = await until(() => deepQuery(element, '#map-note'), 'the map note');
    expect(note.textContent).toContain('The map could not be shown here');
    expect(deep<HTMLElement>(element, '.map-view').hidden).toBe(true);
    expect(deepQuery(element, '#coordinates')).not.toBeNull();
  });
});
