// Simulated gateways: publishes `{"check":"passed"}` on each subject in turn at `rate` per second, so each of the
// N gateways beats every N / rate seconds. With `count` it sends that many and stops (one round to make a fleet healthy).
import { connect } from '@nats-io/transport-node';
import { performance } from 'node:perf_hooks';
import { RECONNECT, serve } from './ipc.js';
import type { HeartbeatLoadConfig, HeartbeatLoadResult } from './protocol.js';

const TICK_MS = 5;

serve(async (config: HeartbeatLoadConfig, io): Promise<HeartbeatLoadResult> => {
  const nc = await connect({ servers: config.natsUrl, name: 'bench-heartbeats', ...RECONNECT });
  const { subjects, rate } = config;
  const payload = new TextEncoder().encode('{"check":"passed"}');
  let sent = 0;
  let lateTicks = 0;
  let worstTickGapMs = 0;
  io.answer('sent', () => sent);
  io.ready();
  const total = config.count ?? Math.round((rate * (config.durationMs ?? 0)) / 1000);
  // Start at a random place in the fleet, so runs do not always begin with the same org.
  let next = config.count ? 0 : Math.floor(Math.random() * subjects.length);
  const start = performance.now();
  let last = start;
  while (sent < total) {
    const now = performance.now();
    worstTickGapMs = Math.max(worstTickGapMs, now - last);
    if (now - last > TICK_MS * 4) lateTicks += 1;
    last = now;
    // Catch up on what is due, so a starved tick does not lower the rate; a burst shows as a late tick instead.
    const due = Math.min(total, Math.floor(((now - start) / 1000) * rate));
    while (sent < due) {
      nc.publish(subjects[next] as string, payload);
      next = (next + 1) % subjects.length;
      sent += 1;
    }
    await new Promise((resolve) => setTimeout(resolve, TICK_MS));
  }
  await nc.flush();
  const seconds = (performance.now() - start) / 1000;
  await nc.close();
  const { user, system } = process.cpuUsage();
  return { sent, seconds, rate: sent / seconds, lateTicks, worstTickGapMs, cpuSeconds: (user + system) / 1e6 };
});
