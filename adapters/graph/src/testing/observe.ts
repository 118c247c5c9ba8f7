/**
 * Observers of the requests the fake tenant accepted (a 2xx answer), each batch item on its own:
 * the tests check every one against Microsoft's Graph v1.0 metadata and permission map
 * (test/support/graph-schema.ts), so the fake cannot accept what Graph would refuse unnoticed.
 */
export interface AcceptedRequest {
  readonly method: string;
  /** As sent (percent-encoded), below the version root. */
  readonly path: string;
  /** Decoded, without '?'. */
  readonly query: string;
  readonly body: unknown;
  readonly mode: 'delegated' | 'application';
  /** The token's scp or roles. */
  readonly permissions: readonly string[];
}

const observers = new Set<(request: AcceptedRequest) => void>();

/** Call `observer` with every request any FakeTenant of this process accepts; returns the way to stop. */
export function observeAcceptedRequests(observer: (request: AcceptedRequest) => void): () => void {
  observers.add(observer);
  return () => { observers.delete(observer); };
}

export function notifyAccepted(request: AcceptedRequest): void {
  for (const observer of observers) observer(request);
}
