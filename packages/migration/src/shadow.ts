/**
 * Shadow mode: the primary answers the caller; the same read goes to the secondary in the
 * background (never awaited by the caller, its errors captured); both results are normalised and
 * compared, and a difference is appended to the mismatch store as a structured record. Only reads
 * are shadowed (routing-methods.ts says which methods are reads): a write goes to the primary only,
 * so shadow never performs a write twice.
 */
import type { Side } from './config';
import type { MismatchRecord, MismatchStore } from './mismatch-store';
import { type FailedResult, type Json, type NormalizeOptions, differences, normalizeArgs, normalizeError, normalizeResult } from './normalize';
import type { DelegatedCapability } from './routing-methods';

export interface ShadowOptions {
  readonly store: MismatchStore;
  readonly normalize?: NormalizeOptions;
  /** Clock for record times (tests fix it). */
  readonly now?: () => Date;
  /** A background failure of the comparison itself (e.g. the store cannot be written). Default: a process warning. */
  readonly onError?: (error: unknown) => void;
}

export interface ShadowContext {
  readonly user?: string;
  readonly primary: { readonly side: Side; readonly name: string };
  readonly secondary: { readonly side: Side; readonly name: string };
}

export interface ShadowStats {
  /** Reads compared so far. */
  readonly compared: number;
  /** Of which differed (and were recorded). */
  readonly mismatched: number;
}

type Outcome = { readonly ok: true; readonly value: unknown } | { readonly ok: false; readonly error: unknown };

export class Shadow {
  private readonly pending = new Set<Promise<void>>();
  private counts = { compared: 0, mismatched: 0 };

  constructor(private readonly options: ShadowOptions) {}

  get stats(): ShadowStats { return { ...this.counts }; }

  /**
   * Run a read: returns the primary's promise untouched; `secondary` (absent when the secondary
   * backend lacks the capability) starts in the background and is compared when both are done.
   */
  read<T>(
    capability: DelegatedCapability, member: string, args: readonly unknown[],
    primary: () => Promise<T>, secondary: (() => Promise<unknown>) | FailedResult, context: ShadowContext,
  ): Promise<T> {
    const first = primary();
    // Started on a later tick: the secondary's work never runs inside the caller's call.
    const second: Promise<Outcome> = typeof secondary === 'function'
      ? Promise.resolve().then(secondary).then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }))
      : Promise.resolve({ ok: false as const, error: secondary });
    const firstOutcome: Promise<Outcome> = first.then((value) => ({ ok: true as const, value }), (error: unknown) => ({ ok: false as const, error }));
    const comparison = Promise.all([firstOutcome, second])
      .then(([a, b]) => this.compare(capability, member, args, a, b, context))
      .catch((error: unknown) => this.backgroundError(error))
      .finally(() => { this.pending.delete(comparison); });
    this.pending.add(comparison);
    return first;
  }

  /** Resolves when every background read started so far has been compared and recorded. */
  async idle(): Promise<void> {
    while (this.pending.size > 0) await Promise.all([...this.pending]);
  }

  private async compare(
    capability: DelegatedCapability, member: string, args: readonly unknown[], a: Outcome, b: Outcome, context: ShadowContext,
  ): Promise<void> {
    const form = (o: Outcome): Json | FailedResult => {
      if (!o.ok) return isFailed(o.error) ? o.error : normalizeError(o.error);
      return normalizeResult(capability, member, o.value, this.options.normalize);
    };
    const primary = form(a);
    const secondary = form(b);
    const difference = differences(primary, secondary);
    this.counts.compared++;
    if (difference.length === 0) return;
    this.counts.mismatched++;
    const record: MismatchRecord = {
      time: (this.options.now?.() ?? new Date()).toISOString(),
      capability, member, args: normalizeArgs(args),
      ...(context.user ? { user: context.user } : {}),
      primaryBackend: context.primary, secondaryBackend: context.secondary,
      primary, secondary, difference,
    };
    await this.options.store.append(record);
  }

  private backgroundError(error: unknown): void {
    if (this.options.onError) { this.options.onError(error); return; }
    process.emitWarning(`Shadow comparison failed: ${error instanceof Error ? error.message : String(error)}`, 'MigrationShadowWarning');
  }
}

function isFailed(value: unknown): value is FailedResult {
  return typeof value === 'object' && value !== null && typeof (value as { $error?: unknown }).$error === 'string';
}
