// Identity and access throttling (reference section 5): token buckets of resource units
// per app+tenant (size by user count) and of writes per app+tenant and per tenant.
// `scale` multiplies every limit so tests reach them with a handful of requests.

class Bucket {
  private tokens: number;
  private last = Date.now();
  constructor(readonly capacity: number, readonly windowSeconds: number) {
    this.tokens = capacity;
  }
  private refill(): void {
    const now = Date.now();
    this.tokens = Math.min(this.capacity, this.tokens + ((now - this.last) / 1000) * (this.capacity / this.windowSeconds));
    this.last = now;
  }
  /** Seconds until `cost` is available, 0 when it is now. */
  wait(cost: number): number {
    this.refill();
    if (this.tokens >= cost) return 0;
    return (cost - this.tokens) / (this.capacity / this.windowSeconds);
  }
  /**
   * Spends `cost`. A refused request is spent too (reference section 5: "usage keeps accruing
   * while the client is throttled"), so the bucket may go below empty; at most one capacity
   * below [inferred: the reference gives no floor], so a client that keeps knocking waits at
   * most about two windows.
   */
  take(cost: number): void {
    this.tokens = Math.max(-this.capacity, this.tokens - cost);
  }
  usedFraction(): number {
    return 1 - this.tokens / this.capacity;
  }
}

export interface ThrottleDecision {
  throttled: boolean;
  retryAfterSeconds?: number;
  headers: Record<string, string>;
}

export function requestCost(method: string, path: string, query: URLSearchParams): { units: number; write: boolean } {
  if (method !== 'GET') return { units: 1, write: true };
  let units = /\/members(\/|$)/.test(path) ? 3 : /\/transitiveMembers/.test(path) ? 5 : /\/users/.test(path) ? 2 : 1;
  if (query.has('$select')) units -= 1;
  if (query.has('$expand')) units += 1;
  const top = Number(query.get('$top'));
  if (query.has('$top') && top < 20) units -= 1;
  return { units: Math.max(1, units), write: false };
}

export class Throttler {
  private buckets = new Map<string, Bucket>();
  /**
   * `scale` multiplies every limit; `timeScale` every window (0.01: the 150 s write window
   * lasts 1.5 s), so a test meets the budget with tens of writes and waits seconds, not minutes.
   */
  constructor(private readonly scale: number, private readonly timeScale = 1) {}

  private bucket(key: string, capacity: number, windowSeconds: number): Bucket {
    let b = this.buckets.get(key);
    if (!b) {
      b = new Bucket(Math.max(1, capacity * this.scale), windowSeconds * this.timeScale);
      this.buckets.set(key, b);
    }
    return b;
  }

  reset(): void {
    this.buckets.clear();
  }

  /** The app+tenant write bucket (capacity and window, scaled), once a write was made. */
  writeBucket(appId: string, tenantId: string): { capacity: number; windowSeconds: number } | undefined {
    const b = this.buckets.get(`w/${appId}/${tenantId}`);
    return b ? { capacity: b.capacity, windowSeconds: b.windowSeconds } : undefined;
  }

  check(appId: string, tenantId: string, userCount: number, method: string, path: string, query: URLSearchParams): ThrottleDecision {
    const cost = requestCost(method, path, query);
    const ruLimit = userCount < 50 ? 3500 : userCount <= 500 ? 5000 : 8000;
    const ru = this.bucket(`ru/${appId}/${tenantId}`, ruLimit, 10);
    const checks: { bucket: Bucket; cost: number; info: string; scope: string }[] = [
      { bucket: ru, cost: cost.units, info: 'ResourceUnitLimitExceeded', scope: `Tenant_Application/ReadWrite/${appId}/${tenantId}` },
    ];
    if (cost.write) {
      checks.push({ bucket: this.bucket(`w/${appId}/${tenantId}`, 3000, 150), cost: 1, info: 'WriteLimitExceeded', scope: `Tenant_Application/Write/${appId}/${tenantId}` });
      checks.push({ bucket: this.bucket(`wt/${tenantId}`, 18000, 300), cost: 1, info: 'WriteLimitExceeded', scope: `Tenant/Write/${tenantId}` });
    }
    const headers: Record<string, string> = { 'x-ms-resource-unit': String(cost.units) };
    const refused = checks.find((c) => c.bucket.wait(c.cost) > 0);
    // Accepted or refused, the request is counted (usage accrues while throttled).
    for (const c of checks) c.bucket.take(c.cost);
    const used = ru.usedFraction();
    if (used >= 0.8) headers['x-ms-throttle-limit-percentage'] = Math.min(1.8, used).toFixed(1);
    if (refused) {
      // The seconds until every bucket holds this request's cost again, its own refusal counted.
      const wait = Math.max(...checks.map((c) => c.bucket.wait(c.cost)));
      return {
        throttled: true,
        retryAfterSeconds: Math.max(1, Math.ceil(wait)),
        headers: { ...headers, 'x-ms-throttle-scope': refused.scope, 'x-ms-throttle-information': refused.info },
      };
    }
    return { throttled: false, headers };
  }
}
