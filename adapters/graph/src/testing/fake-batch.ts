/**
 * `POST /$batch` (docs/json-batching.md; ENDPOINTS.md #22): validate the envelope like Graph (at
 * most 20 requests, unique ids, Content-Type with a body: else the whole batch is a 400), then run
 * every item through the same router and answer `{ responses: [{ id, status, headers, body }] }`
 * with status 200, whatever the items' own statuses (PITFALLS D2).
 */
import { asObject, badRequest, type GraphResult } from './fake-http';

const MAX_REQUESTS = 20; // FACTS #3

/** One request of a batch, checked. */
export interface BatchItem {
  readonly id: string;
  readonly method: string;
  /** Relative URL as given (`/me`, `users/x?$select=id`). */
  readonly url: string;
  readonly body: unknown;
  readonly dependsOn: readonly string[];
}

/** How the server runs one item: route it (with item-scoped faults) and return its result. */
export type BatchItemRunner = (item: BatchItem) => GraphResult;

/** The checked items of a batch body (throws a 400 GraphHttpError for a malformed batch). */
export function batchItems(body: unknown): BatchItem[] {
  const requests = asObject(body)?.['requests'];
  if (!Array.isArray(requests)) return badRequest("Invalid batch payload: the body needs 'requests', an array.", 'BadRequest');
  if (requests.length === 0) badRequest('Invalid batch payload: the batch has no requests.');
  if (requests.length > MAX_REQUESTS) badRequest(`Number of requests in the batch (${requests.length}) exceeds the limit of ${MAX_REQUESTS}.`);
  const items = requests.map(checkItem);
  const seen = new Set<string>();
  for (const item of items) {
    // Ids are compared case-insensitively (docs/json-batching.md).
    const key = item.id.toLowerCase();
    if (seen.has(key)) badRequest(`Batch request ids must be unique; '${item.id}' is used more than once.`);
    seen.add(key);
  }
  // The fake runs items in array order, so a request may only depend on requests before it.
  const before = new Set<string>();
  for (const item of items) {
    for (const dep of item.dependsOn) if (!before.has(dep.toLowerCase())) badRequest(`Request '${item.id}' depends on '${dep}', which is not an earlier request of the batch.`);
    before.add(item.id.toLowerCase());
  }
  return items;
}

function checkItem(value: unknown, index: number): BatchItem {
  const o = asObject(value) ?? badRequest(`Batch request ${index} is not an object.`);
  const id = typeof o['id'] === 'number' ? String(o['id']) : o['id'];
  if (typeof id !== 'string' || id === '') badRequest(`Batch request ${index} needs an 'id'.`);
  if (typeof o['method'] !== 'string' || o['method'] === '') badRequest(`Batch request '${String(id)}' needs a 'method'.`);
  if (typeof o['url'] !== 'string' || o['url'] === '') badRequest(`Batch request '${String(id)}' needs a 'url'.`);
  const headers = o['headers'] === undefined ? {} : (asObject(o['headers']) ?? badRequest(`The headers of batch request '${String(id)}' must be an object.`));
  if (o['body'] !== undefined && !Object.keys(headers).some((h) => h.toLowerCase() === 'content-type')) {
    badRequest(`Batch request '${String(id)}' has a body but no Content-Type header.`);
  }
  const dependsOn = o['dependsOn'] ?? [];
  if (!Array.isArray(dependsOn) || !dependsOn.every((d) => typeof d === 'string')) badRequest(`'dependsOn' of batch request '${String(id)}' must be an array of ids.`);
  return { id: id as string, method: (o['method'] as string).toUpperCase(), url: o['url'] as string, body: o['body'], dependsOn: dependsOn as string[] };
}

/** Run the items in order; a dependant of a failed request gets 424 (FACTS #4). */
export function runBatch(items: readonly BatchItem[], run: BatchItemRunner, failedDependency: (item: BatchItem, dep: string) => GraphResult): GraphResult {
  const statusById = new Map<string, number>();
  const responses = items.map((item) => {
    const failed = item.dependsOn.find((d) => (statusById.get(d.toLowerCase()) ?? 200) >= 400);
    const result = failed !== undefined ? failedDependency(item, failed) : run(item);
    statusById.set(item.id.toLowerCase(), result.status);
    return {
      id: item.id,
      status: result.status,
      headers: { 'Content-Type': 'application/json', ...(result.headers ?? {}) },
      ...(result.body !== undefined ? { body: result.body } : {}),
    };
  });
  return { status: 200, body: { responses } };
}
