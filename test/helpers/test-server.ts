import { ArcGISIdentityManager } from '@esri/arcgis-rest-request';
import { planProvisioning, provision } from '../../src/ops/provision/index.js';
import type { FastifyInstance } from 'fastify';
import { upsertUser, type Role } from '../../src/server/auth/accounts.js';
import { createServer, type ServerOptions } from '../../src/server/create-server.js';
import { openDatabase, type Database } from '../../src/server/db/open-database.js';
import { seedDatabase } from '../../src/server/seed/seed-database.js';

export const TEST_PASSWORD = 'test-password-1';

export interface TestServer {
  readonly url: string;
  readonly db: Database;
  readonly app: FastifyInstance;
  /** Feature service URL of a view: `${url}/arcgis/rest/services/CommunityCameras_public/FeatureServer`. */
  service(name: string): string;
  token(username: string): Promise<string>;
  close(): Promise<void>;
}

export interface TestServerOptions extends Partial<Omit<ServerOptions, 'db'>> {
  readonly port?: number;
  /** Synthetic sites to seed (deterministic, seed 1); 0 for an empty registry with demo users. */
  readonly sites?: number;
  readonly dbFile?: string;
}

/** Starts the real server on loopback with a fresh in-memory (or given) SQLite database. */
export async function startTestServer(options: TestServerOptions = {}): Promise<TestServer> {
  const db = openDatabase(options.dbFile ?? ':memory:');
  await seedDatabase(db, {
    sites: options.sites ?? 0,
    seed: 1,
    demoPassword: TEST_PASSWORD,
    // Today (UTC midnight): the officer view compares confirmation dates with the real clock,
    // so data seeded for a fixed day would expire under the tests as months pass.
    now: Math.floor(Date.now() / 86_400_000) * 86_400_000,
  });
  // Budgets and bot checks are off unless a test turns them on: tests post faster than people.
  const app = await createServer({ rateLimits: false, botCheck: false, ...options, db });
  await app.listen({ port: options.port ?? 0, host: '127.0.0.1' });
  const address = app.server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  const url = `http://127.0.0.1:${port}`;
  return {
    url,
    db,
    app,
    service: (name) => `${url}/arcgis/rest/services/${name}/FeatureServer`,
    async token(username) {
      const response = await fetch(`${url}/arcgis/sharing/rest/generateToken`, {
        method: 'POST',
        headers: { 'content-type': 'application/x-www-form-urlencoded' },
        body: new URLSearchParams({ username, password: TEST_PASSWORD, f: 'json' }),
      });
      const body = (await response.json()) as { token?: string };
      if (!body.token) throw new Error(`No token for ${username}`);
      return body.token;
    },
    async close() {
      await app.close();
      db.close();
    },
  };
}

export async function addUser(server: TestServer, username: string, role: Role): Promise<void> {
  await upsertUser(server.db, { username, password: TEST_PASSWORD, role });
}

/**
 * A test server that starts with no feature services, which are then created as on ArcGIS
 * Online: by the provisioning library (`ccr provision`) over HTTP as the administrator. The
 * client-compatibility suites run against services made this way.
 */
export async function startProvisionedTestServer(
  options: Omit<TestServerOptions, 'provisioned'> = {},
): Promise<TestServer> {
  const server = await startTestServer({ ...options, provisioned: 'portal' });
  const admin = await ArcGISIdentityManager.signIn({
    username: 'admin1',
    password: TEST_PASSWORD,
    portal: `${server.url}/arcgis/sharing/rest`,
  });
  const result = await provision(admin, planProvisioning());
  if (!result.changed) throw new Error('Provisioning an empty server changed nothing');
  return server;
}
