import { describeEventLogContract } from './event-log.contract.js';
import { InMemoryEventLog } from './in-memory-event-log.js';

// The fake the unit tests use behaves as the adapters do, or those tests prove nothing.
describeEventLogContract('in-memory', () => Promise.resolve(new InMemoryEventLog()));
