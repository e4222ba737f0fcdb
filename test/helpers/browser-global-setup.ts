/** Starts the local feature service that browser tests reach through Vite's `/arcgis` proxy. */
export default async function setup(): Promise<() => Promise<void>> {
  const { startTestServer } = await import('./test-server.js');
  const server = await startTestServer({ port: Number(process.env.CCR_TEST_API_PORT ?? 47321) });
  return () => server.close();
}
