// Graph's error answers mapped to the catalog, and the retry rule shared by a lone request and
// the items of a JSON batch, checked against the reference (graph-and-identity-platform.md
// sections 2, 4 and 5), not against today's output.
import assert from 'node:assert/strict';
import { describe, test } from 'node:test';
import { mapGraphError, missingResource, parseGraphError, type CallFacts } from '../../../../src/adapters/entra/graph/errors';
import { innerRetryWait, throttleFacts, type InnerAttempts } from '../../../../src/adapters/entra/graph/retry';

const call = (extra: Partial<CallFacts> = {}): CallFacts => ({ method: 'POST', path: '/users', maxRetryWaitSeconds: 60, ...extra });
const bad = (message: string, details?: unknown[]) => parseGraphError(400, { error: { code: 'Request_BadRequest', message, ...(details ? { details } : {}) } });

describe('FederatedDomainRequiresSourceAnchor: only the documented sentence', () => {
  test('"SourceAnchor is a required property for creation of a federated user." maps to it, in any case', () => {
    for (const message of ['SourceAnchor is a required property for creation of a federated user.', 'sourceanchor is a required property for creation of a FEDERATED user.']) {
      assert.equal(mapGraphError(bad(message), call()).code, 'FederatedDomainRequiresSourceAnchor', message);
    }
  });

  test('other messages that mention "federated" fall through to the general mapping', () => {
    const cases: [string, unknown[] | undefined, string][] = [
      ["Property 'onPremisesImmutableId' cannot be changed for a user whose userPrincipalName is in a federated domain.", undefined, 'IdentityDataValidationFailed'],
      ["Property 'federatedIdpMfaBehavior' is read-only and cannot be set.", undefined, 'NotWritableThroughGraph'],
      ['Another object with the same value for property userPrincipalName already exists.', [{ code: 'ObjectConflict', target: 'userPrincipalName', message: 'federated user' }], 'AttributeValueMustBeUnique'],
    ];
    for (const [message, details, code] of cases) assert.equal(mapGraphError(bad(message, details), call()).code, code, message);
  });
});

describe('ObjectNotFound names the object Graph says is missing', () => {
  const notFound = (id: string) => parseGraphError(404, { error: { code: 'Request_ResourceNotFound', message: `Resource '${id}' does not exist or one of its queried reference-property objects are not present.` } });

  test('a member named in the 404 is the object, not the group the request went to', () => {
    const err = mapGraphError(notFound('m-9'), call({ method: 'PATCH', path: '/groups/g-1', kind: 'group', id: 'g-1', notFound: 'g-1 (the group) or one of the members m-9' }));
    assert.equal(err.code, 'ObjectNotFound');
    assert.equal(err.details.id, 'm-9');
    assert.match(err.reason, /^Microsoft Graph has no object m-9 \(Resource 'm-9' does not exist/);
  });

  test('a 404 naming nothing says what it may be about, else the id of the call', () => {
    const anonymous = parseGraphError(404, { error: { code: 'Request_ResourceNotFound', message: 'Not found.' } });
    assert.equal(mapGraphError(anonymous, call({ id: 'g-1', notFound: 'g-1 (the group) or one of the members a, b' })).details.id, 'g-1 (the group) or one of the members a, b');
    assert.equal(mapGraphError(anonymous, call({ id: 'g-1' })).details.id, 'g-1');
  });

  test('missingResource reads the id from Graph\'s message, and nothing else', () => {
    assert.equal(missingResource("Resource '0f1e-aa' does not exist or one of its queried reference-property objects are not present."), '0f1e-aa');
    assert.equal(missingResource("One or more removed object references do not exist for the following modified properties: 'members'."), undefined);
  });
});

describe('Throttled names the quota from the throttling headers', () => {
  const tooMany = { error: { code: 'TooManyRequests', message: 'Please retry again later.' } };

  test('x-ms-throttle-information and x-ms-throttle-scope go into the reason and the details', () => {
    const headers = new Map([['x-ms-throttle-scope', 'Tenant_Application/Write/app/tenant'], ['x-ms-throttle-information', 'WriteLimitExceeded']]);
    const facts = parseGraphError(429, tooMany, { retryAfterSeconds: 12, ...throttleFacts((n) => headers.get(n)) });
    const err = mapGraphError(facts, call({ method: 'PATCH', path: '/users/u1' }));
    assert.equal(err.code, 'Throttled');
    assert.equal(err.reason, 'Microsoft Graph throttled PATCH /users/u1 and asked to wait 12 s (WriteLimitExceeded, scope Tenant_Application/Write/app/tenant); the retries this run allows (at most 60 s of waiting in all) are used up.');
    assert.equal(err.details.throttleInformation, 'WriteLimitExceeded');
    assert.equal(err.details.throttleScope, 'Tenant_Application/Write/app/tenant');
    assert.equal(err.details.code, undefined, 'only the throttling facts join the details');
  });

  test('without the headers the reason stays as before; the limit percentage is kept when sent', () => {
    const err = mapGraphError(parseGraphError(429, tooMany, { retryAfterSeconds: 2 }), call());
    assert.match(err.reason, /asked to wait 2 s; the retries/);
    assert.deepEqual(throttleFacts((n) => (n === 'x-ms-throttle-limit-percentage' ? '1.2' : undefined)), { throttleLimitPercentage: 1.2 });
    assert.deepEqual(throttleFacts(() => undefined), {});
  });
});

describe('innerRetryWait: an item of a JSON batch is bounded as a lone request', () => {
  const limits = { maxAttempts: 5, maxRetryWaitSeconds: 60 };
  const fresh = (): InnerAttempts => ({ throttled: 0, unavailable: 0 });

  test('a 503/504 goes again only when the request is idempotent (a create may have been committed)', () => {
    assert.equal(innerRetryWait(limits, fresh(), 503, 3, true, 0), 3);
    assert.equal(innerRetryWait(limits, fresh(), 504, undefined, true, 0), 1);
    assert.equal(innerRetryWait(limits, fresh(), 503, 3, false, 0), undefined);
    assert.equal(innerRetryWait(limits, fresh(), 429, 3, false, 0), 3, 'a 429 was not processed: any method');
    for (const status of [400, 401, 404, 500]) assert.equal(innerRetryWait(limits, fresh(), status, 1, true, 0), undefined, String(status));
  });

  test('a 503 gets maxAttempts sends (backoff 1, 2, 4, 8 s), a 429 ten times as many; the wait budget binds both', () => {
    const attempts = fresh();
    const waits: (number | undefined)[] = [];
    for (let i = 0; i < 5; i++) waits.push(innerRetryWait(limits, attempts, 503, undefined, true, 0));
    assert.deepEqual(waits, [1, 2, 4, 8, undefined]);
    const throttled = fresh();
    let sends = 1;
    while (innerRetryWait({ maxAttempts: 5, maxRetryWaitSeconds: 1e9 }, throttled, 429, 1, false, 0) !== undefined) sends++;
    assert.equal(sends, 50);
    assert.equal(innerRetryWait(limits, fresh(), 503, 10, true, 55), undefined, '55 s waited + 10 s passes the 60 s budget');
  });
});
