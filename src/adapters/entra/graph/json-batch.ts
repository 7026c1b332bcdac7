// JSON batching (the reference's section 6): up to 20 requests in one POST /$batch. Graph
// throttles each request inside on its own: items answered 429 are sent again after the
// longest Retry-After among them, while the wait budget (entra.maxRetryWaitSeconds) allows.
import { parseRetryAfter } from './transport';
import type { GraphCaller } from './graph-call';

export interface BatchItem {
  id: string;
  method: string;
  url: string;
  body?: unknown;
  headers?: Record<string, string>;
}

export interface BatchAnswer {
  id: string;
  status: number;
  headers?: Record<string, string>;
  body?: unknown;
}

/**
 * POST /$batch, retrying items answered 429 after the longest Retry-After among them while
 * the wait budget allows (SDKs do not retry batched 429s themselves).
 */
export async function sendBatch(caller: GraphCaller, items: BatchItem[]): Promise<BatchAnswer[]> {
  const settled = new Map<string, BatchAnswer>();
  let pending = items;
  let waited = 0;
  for (;;) {
    const result = await caller.call<{ responses: BatchAnswer[] }>('POST', '/$batch', { body: { requests: pending } });
    const throttled: BatchAnswer[] = [];
    for (const answer of result.responses) {
      if (answer.status === 429) throttled.push(answer);
      else settled.set(answer.id, answer);
    }
    if (throttled.length === 0) break;
    const wait = Math.max(...throttled.map((a) => parseRetryAfter(a.headers?.['Retry-After'] ?? a.headers?.['retry-after']) ?? 1));
    if (waited + wait > caller.maxRetryWaitSeconds) {
      for (const a of throttled) settled.set(a.id, a);
      break;
    }
    await caller.sleep(wait * 1000);
    waited += wait;
    const retry = new Set(throttled.map((a) => a.id));
    pending = pending.filter((i) => retry.has(i.id));
  }
  return items.map((i) => settled.get(i.id)!).filter(Boolean);
}
