/**
 * GraphHttp.batch sends its $batch requests a few at a time (BATCH_CONCURRENCY), against the fake
 * tenant with latency: never more in flight than the bound (per call and over all calls), results
 * in request order whatever order the batches come back in, Retry-After honoured for items
 * throttled inside a 200 batch and for a whole batch answered 429 (and nothing new sent meanwhile),
 * dependencies across batches respected, and a failed batch reported as before.
 */
import { isMessengerError } from '@imessenger/contract';
import type { GraphAuth } from '../src';
import { BATCH_CONCURRENCY, BATCH_LIMIT, type BatchRequest, GraphHttp } from '../src/http';
import { FakeTenant, type RecordedRequest } from '../src/testing';

jest.setTimeout(20_000);

const ANN = 'ann@contoso.com';
const PEOPLE = Array.from({ length: 200 }, (_, i) => `person${String(i).padStart(3, '0')}@contoso.com`);
const LATENCY_MS = 40;

let tenant: FakeTenant;

/** The first $batch to arrive answers after `first` ms, every other request after `rest` ms. */
function firstBatchTakes(first: number, rest: number): (r: RecordedRequest) => number {
  let seen = 0;
  return (r) => (r.path === '/$batch' && seen++ === 0 ? first : rest);
}

/** A $batch asking for `upn` answers after `ms`, every other request after `rest` ms. */
function batchWith(upn: string, ms: number, rest: number): (r: RecordedRequest) => number {
  return (r) => (r.path === '/$batch' && upnsOf(r).includes(upn) ? ms : rest);
}

async function start(latencyMs: number | ((r: RecordedRequest) => number) = LATENCY_MS): Promise<void> {
  tenant = new FakeTenant({ seed: { self: { signinName: ANN, friendlyName: 'Ann Lee' }, contacts: [], directory: PEOPLE.map((signinName) => ({ signinName })) }, latencyMs });
  await tenant.start();
}
afterEach(() => tenant?.stop());

function client(options: { batchConcurrency?: number; maxRetries?: number } = {}): GraphHttp {
  let token = '';
  const auth: GraphAuth = {
    mode: 'delegated',
    async signin() { return { username: ANN }; },
    async signout() { /* nothing to forget */ },
    async getToken() { return (token ||= tenant.tokenFor(ANN)); },
  };
  return new GraphHttp({ auth, baseUrl: tenant.baseUrl, retry: { delaySeconds: 0, maxRetries: options.maxRetries ?? 2 }, batchConcurrency: options.batchConcurrency });
}

/** GET /users/{upn}?$select=id,userPrincipalName for the first n people: n items, ⌈n/20⌉ batches. */
const lookups = (n: number, from = 0): BatchRequest[] =>
  PEOPLE.slice(from, from + n).map((upn) => ({ method: 'GET', url: `/users/${encodeURIComponent(upn)}?$select=id,userPrincipalName` }));

const batches = () => tenant.requests.filter((r) => r.method === 'POST' && r.path === '/$batch');
/** The upns a $batch asked for, in its order. */
const upnsOf = (r: RecordedRequest) => (r.body as { requests: { url: string }[] }).requests.map((i) => decodeURIComponent(i.url.slice('/users/'.length).split('?')[0]!));

describe('concurrency bound', () => {
  test(`10 batches: ${BATCH_CONCURRENCY} in flight at once (the bound, reached), never more`, async () => {
    await start();
    const http = client();
    const results = await http.batch<{ userPrincipalName: string }>(lookups(200));
    expect(batches()).toHaveLength(10);
    expect(batches().every((b) => b.batchItems === BATCH_LIMIT)).toBe(true);
    expect(Math.max(...tenant.requests.map((r) => r.inFlight))).toBe(BATCH_CONCURRENCY);
    expect(tenant.peakInFlight).toBe(BATCH_CONCURRENCY);
    expect(results.map((r) => r.status)).toEqual(PEOPLE.map(() => 200));
  });

  test('the bound is the client\'s (batchConcurrency) and a call may ask for fewer (concurrency)', async () => {
    await start();
    await client({ batchConcurrency: 2 }).batch(lookups(200));
    expect(tenant.peakInFlight).toBe(2);
    tenant.resetRequests();
    await client().batch(lookups(200), { concurrency: 1 });
    expect(tenant.peakInFlight).toBe(1);
    expect(batches()).toHaveLength(10);
  });

  test('several batch() calls at once share the bound: never more than 4 $batch requests in flight in all', async () => {
    await start();
    const http = client();
    const all = await Promise.all([http.batch(lookups(100, 0)), http.batch(lookups(60, 100)), http.batch(lookups(40, 160))]);
    expect(batches()).toHaveLength(5 + 3 + 2);
    expect(tenant.peakInFlight).toBe(BATCH_CONCURRENCY);
    expect(all.flat().every((r) => r.status === 200)).toBe(true);
  });

  test('the bound must be a positive integer', () => {
    expect(() => new GraphHttp({ auth: { mode: 'delegated', signin: async () => ({ username: ANN }), signout: async () => undefined, getToken: async () => 't' }, batchConcurrency: 0 })).toThrow(RangeError);
  });
});

describe('order of results', () => {
  test('the first batches answer last (slower): every result still sits at its request\'s index', async () => {
    // The first two batches take 300 ms, the others 20 ms: they come back out of order.
    let seen = 0;
    await start((r) => (r.path === '/$batch' && seen++ < 2 ? 300 : 20));
    const http = client();
    const results = await http.batch<{ userPrincipalName: string }>(lookups(200));
    const sent = batches();
    expect(sent.map((b) => upnsOf(b)[0]).sort()).toEqual(PEOPLE.filter((_, i) => i % 20 === 0));
    // The last batches were sent (so others had been answered) while the first two to arrive were still out.
    expect(sent[9]!.at - sent[0]!.at).toBeLessThan(300);
    // Every result still belongs to its own request.
    expect(results.map((r) => r.body?.userPrincipalName)).toEqual(PEOPLE);
  });
});

describe('Retry-After in concurrent batches', () => {
  test('an item throttled inside a 200 batch (Retry-After: 1) is re-sent after 1 s, and no new batch starts meanwhile', async () => {
    const victim = PEOPLE[5]!;
    // Its batch is answered first (10 ms), the three others in flight after 100 ms.
    await start(batchWith(victim, 10, 100));
    const http = client();
    tenant.failNext({ status: 429, retryAfter: 1, match: { method: 'GET', path: new RegExp(`^/users/${victim.replace(/\./g, '\\.')}$`) } });
    const started = performance.now();
    const results = await http.batch<{ userPrincipalName: string }>(lookups(120));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    const sent = batches();
    // 6 batches of 20, then the throttled item alone.
    expect(sent.map((b) => b.batchItems)).toEqual([20, 20, 20, 20, 20, 20, 1]);
    expect(upnsOf(sent[6]!)).toEqual([victim]);
    // Batches 0-3 went at once; 4 and 5 waited for the Retry-After that batch 0's (early) answer carried.
    const first = Math.min(...sent.map((b) => b.at));
    for (const b of sent.slice(1, 4)) expect(b.at - first).toBeLessThan(500);
    for (const b of sent.slice(4)) expect(b.at - first).toBeGreaterThanOrEqual(950);
    expect(results.map((r) => r.status)).toEqual(PEOPLE.slice(0, 120).map(() => 200));
    expect(results.map((r) => r.body?.userPrincipalName)).toEqual(PEOPLE.slice(0, 120));
  });

  test('items throttled in two concurrent batches: re-sent together in one new batch after the largest Retry-After', async () => {
    await start();
    const http = client();
    tenant.failNext({ status: 429, retryAfter: 0.2, match: { method: 'GET', path: /^\/users\/person003@/ } });
    tenant.failNext({ status: 429, retryAfter: 1, match: { method: 'GET', path: /^\/users\/person047@/ } });
    const started = performance.now();
    const results = await http.batch<{ userPrincipalName: string }>(lookups(80));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    const sent = batches();
    expect(sent.map((b) => b.batchItems)).toEqual([20, 20, 20, 20, 2]);
    expect(upnsOf(sent[4]!)).toEqual([PEOPLE[3], PEOPLE[47]]);
    expect(results.map((r) => r.body?.userPrincipalName)).toEqual(PEOPLE.slice(0, 80));
  });

  test('a whole $batch answered 429 (Retry-After: 1): retried after 1 s; batches not yet sent wait too; results complete and in order', async () => {
    await start(firstBatchTakes(10, 100));
    const http = client();
    tenant.failNext({ status: 429, retryAfter: 1, match: { method: 'POST', path: /^\/\$batch$/ } });
    const started = performance.now();
    const results = await http.batch<{ userPrincipalName: string }>(lookups(120));
    expect(performance.now() - started).toBeGreaterThanOrEqual(950);
    const sent = batches();
    // 6 batches + the retry of the throttled one; never more than 4 in flight.
    expect(sent).toHaveLength(7);
    expect(tenant.peakInFlight).toBeLessThanOrEqual(BATCH_CONCURRENCY);
    const first = Math.min(...sent.map((b) => b.at));
    // The first four went at once (the first answered, early, was throttled); everything after waited for the Retry-After.
    for (const b of sent.slice(4)) expect(b.at - first).toBeGreaterThanOrEqual(950);
    expect(results.map((r) => r.body?.userPrincipalName)).toEqual(PEOPLE.slice(0, 120));
  });

  test('a whole $batch throttled more often than the retries allow: MSGR_E_SERVER_TOO_BUSY, as before', async () => {
    await start();
    const http = client({ maxRetries: 1 });
    tenant.failNext({ status: 429, retryAfter: 0, times: 2, match: { method: 'POST', path: /^\/\$batch$/ } });
    const error = await http.batch(lookups(20)).then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_SERVER_TOO_BUSY')).toBe(true);
    expect(batches()).toHaveLength(2);
  });
});

describe('failures and dependencies', () => {
  test('a batch that fails as a whole: its MessengerError is thrown, no further batch is started', async () => {
    await start(firstBatchTakes(10, 100));
    const http = client();
    tenant.failNext({ status: 500, match: { method: 'POST', path: /^\/\$batch$/ } });
    const error = await http.batch(lookups(200)).then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_SERVER_ERROR')).toBe(true);
    // The four that were in flight when it failed, and none of the six behind them.
    expect(batches()).toHaveLength(BATCH_CONCURRENCY);
  });

  test('several batches fail: the failure of the earliest one (in request order) is thrown', async () => {
    // Batch 1 (fast) fails first, with 500; batch 0 (slow) then with 403: 403's row wins, as a sequential send would have reported.
    await start(batchWith(PEOPLE[0]!, 200, 10));
    const http = client();
    // Faults go to requests in the order they are answered: batch 1, then batch 0.
    tenant.failNext({ status: 500, match: { method: 'POST', path: /^\/\$batch$/ } });
    tenant.failNext({ status: 403, match: { method: 'POST', path: /^\/\$batch$/ } });
    const error = await http.batch(lookups(40)).then(() => undefined, (e: unknown) => e);
    expect(isMessengerError(error, 'MSGR_E_POLICY_RESTRICTED')).toBe(true);
  });

  test('a request depending on one in an earlier batch is sent after that batch has been answered', async () => {
    await start();
    const http = client();
    const requests = lookups(40);
    const dependent: BatchRequest = { ...requests[25]!, dependsOn: [3] };
    requests[25] = dependent;
    const results = await http.batch<{ userPrincipalName: string }>(requests);
    const sent = batches();
    expect(sent).toHaveLength(2);
    // Batch 1 left only after batch 0's answer (≥ one latency later), and names no dependency (answered already).
    expect(sent[1]!.at - sent[0]!.at).toBeGreaterThanOrEqual(LATENCY_MS - 5);
    expect((sent[1]!.body as { requests: { dependsOn?: unknown }[] }).requests.every((i) => i.dependsOn === undefined)).toBe(true);
    expect(results.map((r) => r.body?.userPrincipalName)).toEqual(PEOPLE.slice(0, 40));
  });
});
