import type { ConsumerTarget, GatewayLiveness } from '../index.js';
import {
  given,
  metadata,
  NOW,
  TTL_MS,
  poolCreated,
  memberAdded,
  consumerAttached,
  consumerDetached,
  pool,
  gateway,
  attach,
  edgeEu,
} from '../testing/decider-spec.js';

describe('decide', () => {
  describe('AttachConsumer', () => {
    const withUsPool = [...edgeEu, poolCreated('p-us', 'edge-us'), memberAdded('p-us', 'gw-3')];

    it('attaches a consumer to a pool with one healthy member', () => {
      given(edgeEu)
        .when(attach('c-1', pool('p-eu'), ['gw-2']))
        .then([consumerAttached('c-1', pool('p-eu'))]);
    });

    it('attaches a consumer directly to a healthy registered gateway', () => {
      given(edgeEu)
        .when(attach('c-1', gateway('gw-3'), ['gw-3'], 'pam'))
        .then([consumerAttached('c-1', gateway('gw-3'), undefined, 'pam')]);
    });

    it('refuses a pool none of whose members is healthy, giving the counts', () => {
      const error = given([...edgeEu, memberAdded('p-eu', 'gw-3')])
        .when(attach('c-1', pool('p-eu'), []))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/3 healthy)");
      expect(error.details).toEqual({ poolId: 'p-eu', healthy: 0, total: 3 });
    });

    it('does not count healthy gateways outside the pool', () => {
      given(edgeEu)
        .when(attach('c-1', pool('p-eu'), ['gw-3']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/2 healthy)");
    });

    it('refuses a pool without members', () => {
      given([...edgeEu, poolCreated('p-us', 'edge-us')])
        .when(attach('c-1', pool('p-us'), ['gw-1', 'gw-2', 'gw-3']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-us' has no healthy gateway (0/0 healthy)");
    });

    it('refuses a gateway that is not healthy', () => {
      given(edgeEu)
        .when(attach('c-1', gateway('gw-3'), ['gw-1', 'gw-2']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "gateway 'gw-3' is not healthy");
    });

    it('refuses a gateway that is not registered, even if reported healthy', () => {
      given(edgeEu)
        .when(attach('c-1', gateway('gw-9'), ['gw-9']))
        .thenRefuses('NOT_FOUND', "gateway 'gw-9' is not registered in org 'acme'");
    });

    it('refuses a pool that does not exist', () => {
      given(edgeEu)
        .when(attach('c-1', pool('p-nope'), ['gw-1']))
        .thenRefuses('NOT_FOUND', "pool 'p-nope' not found in org 'acme'");
    });

    it('appends nothing when the consumer is already attached to the same target', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1']))
        .then([]);
      given([...edgeEu, consumerAttached('c-1', gateway('gw-3'))])
        .when(attach('c-1', gateway('gw-3'), ['gw-3']))
        .then([]);
    });

    it('moves a consumer to another pool and records where it was', () => {
      given([...withUsPool, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-us'), ['gw-3']))
        .then([consumerAttached('c-1', pool('p-us'), pool('p-eu'))]);
    });

    it('moves a consumer from a pool to a gateway', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', gateway('gw-1'), ['gw-1']))
        .then([consumerAttached('c-1', gateway('gw-1'), pool('p-eu'))]);
    });

    it('moves a consumer from a gateway to a pool that gateway is in', () => {
      given([...edgeEu, consumerAttached('c-1', gateway('gw-1'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1']))
        .then([consumerAttached('c-1', pool('p-eu'), gateway('gw-1'))]);
    });

    it('moves a consumer between gateways', () => {
      given([...edgeEu, consumerAttached('c-1', gateway('gw-1'))])
        .when(attach('c-1', gateway('gw-2'), ['gw-2']))
        .then([consumerAttached('c-1', gateway('gw-2'), gateway('gw-1'))]);
    });

    it('re-attaches a consumer whose type changed, on the same target', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1'], 'dynamic-secret'))
        .then([consumerAttached('c-1', pool('p-eu'), pool('p-eu'), 'dynamic-secret')]);
    });

    it('refuses to move a consumer to a target without a healthy gateway', () => {
      given([...withUsPool, consumerAttached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-us'), ['gw-1', 'gw-2']))
        .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-us' has no healthy gateway (0/1 healthy)");
    });

    describe("judges the target's health at the command's time, with the heartbeat TTL", () => {
      const attachWith = (target: ConsumerTarget, liveness: GatewayLiveness[], now = NOW) => ({
        type: 'AttachConsumer' as const,
        data: { consumerId: 'c-1', consumerType: 'pam' as const, target, liveness },
        metadata: metadata(now),
      });

      it('counts a heartbeat younger than the TTL whose check passed', () => {
        given(edgeEu)
          .when(attachWith(gateway('gw-3'), [{ gatewayId: 'gw-3', at: NOW - TTL_MS + 1, check: 'passed' }]))
          .then([consumerAttached('c-1', gateway('gw-3'), undefined, 'pam')]);
      });

      it('does not count a heartbeat as old as the TTL, at the time the command carries', () => {
        const beat: GatewayLiveness = { gatewayId: 'gw-3', at: NOW - 5000, check: 'passed' };

        given(edgeEu)
          .when(attachWith(gateway('gw-3'), [beat], NOW - 5000 + TTL_MS))
          .thenRefuses('NO_HEALTHY_GATEWAY', "gateway 'gw-3' is not healthy");
        given(edgeEu)
          .when(attachWith(gateway('gw-3'), [beat], NOW - 5000 + TTL_MS - 1))
          .then([consumerAttached('c-1', gateway('gw-3'), undefined, 'pam')]);
      });

      it('does not count a fresh heartbeat whose check failed', () => {
        given(edgeEu)
          .when(attachWith(pool('p-eu'), [{ gatewayId: 'gw-1', at: NOW, check: 'failed' }]))
          .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/2 healthy)");
      });

      it('counts a member the liveness does not mention as unhealthy', () => {
        given([...edgeEu, memberAdded('p-eu', 'gw-3')])
          .when(attachWith(pool('p-eu'), [{ gatewayId: 'gw-3', at: NOW - 5000 - TTL_MS, check: 'passed' }]))
          .thenRefuses('NO_HEALTHY_GATEWAY', "pool 'edge-eu' has no healthy gateway (0/3 healthy)");
      });
    });

    it('attaches again a consumer that was detached, without a previous target', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu')), consumerDetached('c-1', pool('p-eu'))])
        .when(attach('c-1', pool('p-eu'), ['gw-1']))
        .then([consumerAttached('c-1', pool('p-eu'))]);
    });
  });

  describe('DetachConsumer', () => {
    it('detaches a consumer from its pool', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu'))])
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .then([consumerDetached('c-1', pool('p-eu'))]);
    });

    it('detaches a consumer from the target it was last moved to', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu')), consumerAttached('c-1', gateway('gw-3'), pool('p-eu'))])
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .then([consumerDetached('c-1', gateway('gw-3'))]);
    });

    it('refuses a consumer that is not attached', () => {
      given(edgeEu)
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-9' } })
        .thenRefuses('NOT_FOUND', "consumer 'c-9' not found in org 'acme'");
    });

    it('refuses to detach a consumer twice', () => {
      given([...edgeEu, consumerAttached('c-1', pool('p-eu')), consumerDetached('c-1', pool('p-eu'))])
        .when({ type: 'DetachConsumer', data: { consumerId: 'c-1' } })
        .thenRefuses('NOT_FOUND', "consumer 'c-1' not found");
    });
  });
});
