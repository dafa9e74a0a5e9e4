import {
  claimsPusherPermissions,
  gatewayPermissions,
  orgRolePermissions,
  servicesRolePermissions,
} from './role-permissions.js';

describe('role permissions', () => {
  it('lets an admin command, query, report routes and watch health and alerts of its own org only', () => {
    expect(orgRolePermissions('acme', 'admin')).toEqual({
      pub: { allow: ['gwpool.v1.acme.cmd.>', 'gwpool.v1.acme.query.>', 'gwpool.v1.acme.route.report'] },
      sub: { allow: ['_INBOX.>', 'gwpool.v1.acme.health.*', 'gwpool.v1.acme.alert.*'] },
    });
  });

  it('lets a viewer query and watch but send no command', () => {
    const viewer = orgRolePermissions('acme', 'viewer');

    expect(viewer.pub?.allow).toEqual(['gwpool.v1.acme.query.>']);
    expect(viewer.sub?.allow).toEqual(['_INBOX.>', 'gwpool.v1.acme.health.*', 'gwpool.v1.acme.alert.*']);
  });

  it('lets a router pick, resolve and report, and nothing else', () => {
    expect(orgRolePermissions('acme', 'router')).toEqual({
      pub: {
        allow: ['gwpool.v1.acme.query.route.pick', 'gwpool.v1.acme.query.route.resolve', 'gwpool.v1.acme.route.report'],
      },
      sub: { allow: ['_INBOX.>'] },
    });
  });

  it('lets a gateway publish its own heartbeat subject and subscribe to nothing', () => {
    expect(gatewayPermissions('acme', 'gw-1')).toEqual({
      pub: { allow: ['gwpool.v1.acme.heartbeat.gw-1'] },
      sub: { deny: ['>'] },
    });
  });

  it('leaves the services unrestricted and keeps operator tools off internal subjects', () => {
    expect(servicesRolePermissions('service')).toBeUndefined();
    expect(servicesRolePermissions('operator')).toEqual({
      pub: { allow: ['gwpool.v1.>'] },
      sub: { allow: ['_INBOX.>', 'gwpool.v1.>'] },
    });
  });

  it('lets the claims pusher push account JWTs and read the answers only', () => {
    expect(claimsPusherPermissions()).toEqual({
      pub: { allow: ['$SYS.REQ.CLAIMS.UPDATE'] },
      sub: { allow: ['_INBOX.>'] },
    });
  });
});
