// Stops the servers the global setup started and removes their data.
import { rmSync } from 'node:fs';

export default async function globalTeardown() {
  const started = globalThis.__gwpoolServers;
  if (!started) return;
  globalThis.__gwpoolServers = undefined;
  await Promise.allSettled(started.servers.map((server) => server.stop()));
  if (started.dir) rmSync(started.dir, { recursive: true, force: true });
}
