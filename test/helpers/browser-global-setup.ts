/**
 * Starts the local feature service that browser tests reach through Vite's `/arcgis`
 * proxy, seeded with the deterministic demo registry (seed 1) so searches find cameras.
 */
export const BROWSER_TEST_SITES = 2000;

export default async function setup(): Promise<() => Promise<void>> {
  const { startTestServer } = await import('./test-server.js');
  const server = await startTestServer({
    port: Number(process.env.CCR_TEST_API_PORT ?? 47321),
    sites: BROWSER_TEST_SITES,
  });
  return () => server.close();
}
