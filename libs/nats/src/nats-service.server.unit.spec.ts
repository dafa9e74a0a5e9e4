import { ADMIN_SUBJECTS, HEARTBEAT_SUBJECT_PATTERN, QUERY_SUBJECTS } from '@gwpool/contracts';
import { endpointName } from './nats-service.server.js';

describe('endpoint names on $SRV.INFO', () => {
  it('name an endpoint by the fixed tokens of its subject after the API prefix', () => {
    expect(endpointName(QUERY_SUBJECTS.routePick)).toBe('query-route-pick');
    expect(endpointName(HEARTBEAT_SUBJECT_PATTERN)).toBe('heartbeat');
    expect(endpointName(ADMIN_SUBJECTS.ingestStats)).toBe('admin-heartbeat-ingest-stats');
  });

  it('keep only the characters the protocol allows in a name', () => {
    expect(endpointName('other.$sys.>')).toBe('other-_sys');
    expect(endpointName('*')).toBe('root');
  });
});
