import { readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { AppError } from '../../core/errors.js';
import { openDatabase } from '../db/open-database.js';
import {
  ensureGeocodeSchema,
  loadAddressPointsCsv,
  type AddressColumn,
  type AddressColumnMap,
} from './address-points.js';

const USAGE = `Usage: ccr load-addresses --db FILE --csv FILE [options]

Loads a city's address points (a CSV with a header row) into the geocoder.

  --db FILE        SQLite database of the registry
  --csv FILE       address points, e.g. number,street,unit,city,state,zip,x,y (or lon,lat)
  --map SPEC       column names when they differ: number=ADDNUM,street=FULLNAME,x=LONG,y=LAT
                   (fields: number street unit city state zip x y address)
  --city NAME      city for rows without one; --state XX likewise
  --replace        delete every existing address point first
  --strict         load nothing if any row is rejected`;

const FIELDS: readonly AddressColumn[] = [
  'number',
  'street',
  'unit',
  'city',
  'state',
  'zip',
  'x',
  'y',
  'address',
];
/** Rejected rows listed one by one; the rest are only counted. */
const MAX_LISTED = 50;

export interface CliIo {
  readonly log: (line: string) => void;
  readonly error: (line: string) => void;
}

const PROCESS_IO: CliIo = {
  log: (line) => console.log(line),
  error: (line) => console.error(line),
};

function parseMap(spec: string | undefined): AddressColumnMap | undefined {
  if (spec === undefined) return undefined;
  const map: AddressColumnMap = {};
  for (const pair of spec.split(',')) {
    const [field, column] = pair.split('=').map((part) => part.trim());
    if (!field || !column || !(FIELDS as readonly string[]).includes(field)) {
      throw new RangeError(
        `--map entries are field=COLUMN with field one of ${FIELDS.join(', ')}; got "${pair}"`,
      );
    }
    map[field as AddressColumn] = column;
  }
  return map;
}

/** The load command without the process. Returns the exit code (0 loaded, 1 failed, 2 bad arguments). */
export function runLoadAddressesCli(argv: readonly string[], io: CliIo = PROCESS_IO): number {
  let values: {
    db?: string;
    csv?: string;
    map?: string;
    city?: string;
    state?: string;
    replace?: boolean;
    strict?: boolean;
    help?: boolean;
  };
  let columnMap: AddressColumnMap | undefined;
  try {
    ({ values } = parseArgs({
      args: [...argv],
      strict: true,
      allowPositionals: false,
      options: {
        db: { type: 'string' },
        csv: { type: 'string' },
        map: { type: 'string' },
        city: { type: 'string' },
        state: { type: 'string' },
        replace: { type: 'boolean', default: false },
        strict: { type: 'boolean', default: false },
        help: { type: 'boolean', short: 'h', default: false },
      },
    }));
    if (values.help) {
      io.log(USAGE);
      return 0;
    }
    if (!values.db || !values.csv) throw new RangeError('--db and --csv are required');
    columnMap = parseMap(values.map);
  } catch (error) {
    io.error(`${(error as Error).message}\n\n${USAGE}`);
    return 2;
  }

  let text: string;
  try {
    text = readFileSync(values.csv, 'utf8');
  } catch (error) {
    io.error(`Cannot read ${values.csv}: ${(error as Error).message}`);
    return 1;
  }
  const db = openDatabase(values.db);
  try {
    ensureGeocodeSchema(db);
    const defaults = {
      ...(values.city ? { city: values.city } : {}),
      ...(values.state ? { state: values.state } : {}),
    };
    const result = loadAddressPointsCsv(db, text, columnMap, {
      replace: values.replace ?? false,
      strict: values.strict ?? false,
      defaults,
    });
    for (const row of result.rejected.slice(0, MAX_LISTED))
      io.error(`  line ${row.line}: ${row.reason}`);
    if (result.rejected.length > MAX_LISTED)
      io.error(`  ... and ${result.rejected.length - MAX_LISTED} more`);
    if (values.strict && result.rejected.length > 0) {
      io.error(`Loaded nothing: ${result.rejected.length} rows rejected (--strict).`);
      return 1;
    }
    io.log(
      `Loaded ${result.loaded.toLocaleString('en-US')} address points` +
        (result.rejected.length > 0
          ? `; rejected ${result.rejected.length} rows (listed above).`
          : '.'),
    );
    return 0;
  } catch (error) {
    io.error(error instanceof AppError ? error.message : String(error));
    return 1;
  } finally {
    db.close();
  }
}
