import type { DMessengerEvents, MessengerEventListener, MessengerEventName } from '@imessenger/contract';

/**
 * A typed emitter for DMessengerEvents. Listeners run synchronously in registration order, as COM
 * sinks were called; a listener that throws is reported to `onListenerError` and never breaks the
 * call that raised the event.
 */
export class MessengerEventEmitter {
  private readonly listeners = new Map<MessengerEventName, Set<(...args: never[]) => void>>();

  constructor(private readonly onListenerError: (error: unknown, event: MessengerEventName) => void = reportListenerError) {}

  on<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): () => void {
    let set = this.listeners.get(event);
    if (!set) this.listeners.set(event, (set = new Set()));
    set.add(listener as (...args: never[]) => void);
    return () => this.off(event, listener);
  }

  once<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): () => void {
    const off = this.on(event, ((...args: DMessengerEvents[E]) => { off(); listener(...args); }) as MessengerEventListener<E>);
    return off;
  }

  off<E extends MessengerEventName>(event: E, listener: MessengerEventListener<E>): void {
    this.listeners.get(event)?.delete(listener as (...args: never[]) => void);
  }

  /** Every event, with its name first: for logging, recording and bridging to other sinks. */
  onAny(listener: (event: MessengerEventName, args: readonly unknown[]) => void): () => void {
    this.anyListeners.add(listener);
    return () => this.anyListeners.delete(listener);
  }
  private readonly anyListeners = new Set<(event: MessengerEventName, args: readonly unknown[]) => void>();

  emit<E extends MessengerEventName>(event: E, ...args: DMessengerEvents[E]): void {
    for (const listener of [...(this.listeners.get(event) ?? [])]) {
      try { (listener as (...a: DMessengerEvents[E]) => void)(...args); } catch (error) { this.onListenerError(error, event); }
    }
    for (const listener of [...this.anyListeners]) {
      try { listener(event, args); } catch (error) { this.onListenerError(error, event); }
    }
  }
}

function reportListenerError(error: unknown, event: MessengerEventName): void {
  process.emitWarning(`A listener of ${event} threw: ${error instanceof Error ? error.message : String(error)}`, 'MessengerEventWarning');
}
