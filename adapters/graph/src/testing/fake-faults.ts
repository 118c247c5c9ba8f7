/**
 * Fault injection for the fake tenant: a queue of faults, each consumed by the next requests it
 * matches, in the order they were added. A fault can answer with an HTTP error (optionally with
 * Retry-After), reset the connection, never answer, or answer 200 with a body that is not JSON;
 * `afterCommit` lets the operation happen first, to prove the adapter does not repeat side
 * effects when it retries.
 */
import { defaultCodeFor } from './fake-http';

export type FaultKind = 'http' | 'reset' | 'timeout' | 'malformed';

/** What a test asks for (FakeTenant.failNext). */
export interface FaultSpec {
  /** HTTP status for kind 'http' (default 503). */
  readonly status?: number;
  /** Graph error code (default: the usual code for the status). */
  readonly code?: string;
  /** Seconds, sent as the Retry-After header (may be fractional, like Graph's `2.128`). */
  readonly retryAfter?: number;
  /** How many matching requests fail (default 1). */
  readonly times?: number;
  /** Which requests: method (any case) and a pattern tested on the recorded path (decoded, below /v1.0, no query). */
  readonly match?: { readonly method?: string; readonly path?: RegExp };
  /** 'reset' destroys the socket, 'timeout' never answers (until stop), 'malformed' answers 200 with a non-JSON body. */
  readonly kind?: FaultKind;
  /** Perform the operation, then fail the response. */
  readonly afterCommit?: boolean;
}

/** One fault, as applied to one request. */
export interface Fault {
  readonly kind: FaultKind;
  readonly status: number;
  readonly code: string;
  readonly retryAfter?: number;
  readonly afterCommit: boolean;
}

interface Pending { readonly spec: FaultSpec; remaining: number }

export class FaultQueue {
  private readonly pending: Pending[] = [];

  add(spec: FaultSpec): void {
    const times = spec.times ?? 1;
    if (!Number.isInteger(times) || times < 1) throw new RangeError(`failNext: times must be a positive integer, got ${times}`);
    if (spec.status !== undefined && (!Number.isInteger(spec.status) || spec.status < 100 || spec.status > 599)) throw new RangeError(`failNext: ${spec.status} is not an HTTP status`);
    if (spec.retryAfter !== undefined && !(spec.retryAfter >= 0)) throw new RangeError('failNext: retryAfter must be a number of seconds ≥ 0');
    this.pending.push({ spec, remaining: times });
  }

  /**
   * Take the first fault that matches. `scope` 'item' is a request inside a $batch: only 'http'
   * faults apply there (a connection cannot be reset for one item of a batch).
   */
  take(method: string, path: string, scope: 'request' | 'item'): Fault | undefined {
    const index = this.pending.findIndex((p) => matches(p.spec, method, path) && (scope === 'request' || (p.spec.kind ?? 'http') === 'http'));
    if (index < 0) return undefined;
    const p = this.pending[index]!;
    if (--p.remaining === 0) this.pending.splice(index, 1);
    const status = p.spec.status ?? 503;
    return {
      kind: p.spec.kind ?? 'http',
      status,
      code: p.spec.code ?? defaultCodeFor(status),
      ...(p.spec.retryAfter !== undefined ? { retryAfter: p.spec.retryAfter } : {}),
      afterCommit: p.spec.afterCommit ?? false,
    };
  }

  clear(): void {
    this.pending.length = 0;
  }
}

function matches(spec: FaultSpec, method: string, path: string): boolean {
  const m = spec.match;
  if (!m) return true;
  if (m.method !== undefined && m.method.toUpperCase() !== method.toUpperCase()) return false;
  if (m.path !== undefined) {
    m.path.lastIndex = 0; // a /g pattern keeps state between tests otherwise
    if (!m.path.test(path)) return false;
  }
  return true;
}
