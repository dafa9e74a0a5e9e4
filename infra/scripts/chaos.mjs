// npm run chaos: install what is missing, build, then run the chaos suite (chaos/, built to dist/chaos/) with the
// flags passed on: kill -9 of every service with one and two instances, NATS and PostgreSQL restarts and a
// heartbeat burst, all under load, about 5 minutes. `-- --short` is the minute-long version npm test runs.
import { runBuilt } from './run-built.mjs';

await runBuilt('npm run chaos', 'chaos/src/main.js');
