/**
 * Runs GDAL's command-line tools (Debian's `gdal-bin`) against the local feature service,
 * as a GIS analyst would: `ogrinfo` and `ogr2ogr` on an `ESRIJSON:` query URL.
 *
 * Each run sets `CPL_DEBUG=ON`, so GDAL prints every URL it fetches (`HTTP: Fetch(…)`); the
 * helper returns those URLs, which is how the tests see GDAL's paging and counting requests
 * without a proxy. Tokens are masked in them so they can be shown in failure messages.
 */
import { spawn } from 'node:child_process';

export interface GdalRun {
  readonly code: number | null;
  readonly stdout: string;
  /** GDAL's own `ERROR n: …` lines (debug lines left out). */
  readonly errors: readonly string[];
  /** Every URL GDAL fetched, in order, with `token=…` masked. */
  readonly fetched: readonly string[];
}

/** Runs `ogrinfo` or `ogr2ogr` and collects what it printed and fetched. */
export async function runGdal(
  tool: 'ogrinfo' | 'ogr2ogr',
  args: readonly string[],
): Promise<GdalRun> {
  const child = spawn(tool, args, {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: {
      ...process.env,
      CPL_DEBUG: 'ON',
      // Loopback only: never through a proxy a CI machine may set.
      NO_PROXY: '127.0.0.1,localhost',
      no_proxy: '127.0.0.1,localhost',
      GDAL_HTTP_TIMEOUT: '30',
    },
  });
  let stdout = '';
  let stderr = '';
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  const code = await new Promise<number | null>((resolve, reject) => {
    child.on('error', (error) =>
      reject(
        new Error(`${tool} did not run: install GDAL (apt-get install -y gdal-bin)`, {
          cause: error,
        }),
      ),
    );
    child.on('close', resolve);
  });
  const lines = stderr.split('\n');
  return {
    code,
    stdout,
    errors: lines.filter((line) => line.startsWith('ERROR')),
    fetched: lines
      .map((line) => /^HTTP: Fetch\((.*)\)$/.exec(line)?.[1])
      .filter((url): url is string => url !== undefined)
      .map(maskToken),
  };
}

export function maskToken(url: string): string {
  return url.replace(/([?&]token=)[^&]*/i, '$1…');
}

/** GDAL's version, e.g. `[3, 6, 2]`. */
export async function gdalVersion(): Promise<readonly number[]> {
  const { stdout } = await runGdal('ogrinfo', ['--version']);
  const match = /GDAL (\d+)\.(\d+)\.(\d+)/.exec(stdout);
  if (!match) throw new Error(`Unexpected ogrinfo --version output: ${stdout}`);
  return match.slice(1).map(Number);
}

/** The `ESRIJSON:` data source GDAL reads for a layer query with these parameters. */
export function esriJsonSource(layerUrl: string, params: Record<string, string>): string {
  return `ESRIJSON:${layerUrl}/query?${new URLSearchParams(params).toString()}`;
}

export interface OgrLayerSummary {
  readonly geometry: string;
  readonly featureCount: number;
  readonly extent: readonly [number, number, number, number];
  /** Field name → OGR type as ogrinfo prints it (`String`, `Integer`, `Real`, …), with width. */
  readonly fields: ReadonlyMap<string, { type: string; width: number }>;
}

/** Reads the summary `ogrinfo -al -so` prints for the (single) ESRIJSON layer. */
export function parseLayerSummary(stdout: string): OgrLayerSummary {
  const line = (label: string) => {
    const match = new RegExp(`^${label}: (.*)$`, 'm').exec(stdout);
    if (!match?.[1]) throw new Error(`ogrinfo printed no "${label}":\n${stdout}`);
    return match[1];
  };
  const extent = /^\((\S+), (\S+)\) - \((\S+), (\S+)\)$/.exec(line('Extent'));
  if (!extent) throw new Error(`Unreadable extent in:\n${stdout}`);
  const fields = new Map<string, { type: string; width: number }>();
  // Fields follow the SRS block: `name: Type (width.precision)`.
  const afterSrs = stdout.slice(stdout.indexOf('Data axis to CRS axis mapping'));
  for (const match of afterSrs.matchAll(/^(\w+): (\S+(?:\(\w+\))?) \((\d+)\.\d+\)$/gm)) {
    fields.set(match[1]!, { type: match[2]!, width: Number(match[3]) });
  }
  return {
    geometry: line('Geometry'),
    featureCount: Number(line('Feature Count')),
    extent: [Number(extent[1]), Number(extent[2]), Number(extent[3]), Number(extent[4])],
    fields,
  };
}

export interface GeoJsonFeature {
  readonly type: 'Feature';
  readonly properties: Record<string, string | number | null>;
  readonly geometry: { type: string; coordinates: [number, number] } | null;
}

/** Runs `ogr2ogr -f GeoJSON /vsistdout/ <source>` and parses what it wrote. */
export async function ogr2ogrGeoJson(
  source: string,
): Promise<GdalRun & { features: readonly GeoJsonFeature[] | null }> {
  const run = await runGdal('ogr2ogr', ['-f', 'GeoJSON', '/vsistdout/', source]);
  let features: GeoJsonFeature[] | null = null;
  if (run.stdout.trim()) {
    features = (JSON.parse(run.stdout) as { features: GeoJsonFeature[] }).features;
  }
  return { ...run, features };
}
