import { ServerNats } from '@nestjs/microservices';

const MAX_CACHED_ROUTES = 1_000;

/**
 * ServerNats resolves every message's handler by first trying JSON.parse on the subscription's subject,
 * which throws for a plain subject: a fresh exception per message was the largest cost on the route.pick path.
 * Subscription patterns are few and fixed, so each is resolved once.
 */
export class CachedRouteServerNats extends ServerNats {
  private readonly routes = new Map<string, string>();

  protected override getRouteFromPattern(pattern: string): string {
    let route = this.routes.get(pattern);
    if (route === undefined) {
      route = super.getRouteFromPattern(pattern);
      if (this.routes.size < MAX_CACHED_ROUTES) this.routes.set(pattern, route);
    }
    return route;
  }
}
