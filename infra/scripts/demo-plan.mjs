// What the demo fleet sets up, shared by the fleet and by whoever issues its credentials (npm start, Compose).
export const DEMO_GATEWAYS = [
  { gatewayId: 'gw-eu-1', name: 'Frankfurt 1', zone: 'eu-central-1a' },
  { gatewayId: 'gw-eu-2', name: 'Frankfurt 2', zone: 'eu-central-1b' },
  { gatewayId: 'gw-eu-3', name: 'Frankfurt 3', zone: 'eu-central-1c' },
  { gatewayId: 'gw-us-1', name: 'Virginia 1', zone: 'us-east-1a' },
  { gatewayId: 'gw-us-2', name: 'Virginia 2', zone: 'us-east-1b' },
];

export const DEMO_POOLS = [
  ['edge-eu', ['gw-eu-1', 'gw-eu-2', 'gw-eu-3']],
  ['edge-us', ['gw-us-1', 'gw-us-2']],
];

/** The demo org's admin: the demo fleet's commands are recorded as done by this user. */
export const DEMO_ADMIN = 'demo-admin';
