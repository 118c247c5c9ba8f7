import type { KitRun } from '../kit';

export function conversationSuites(_run: KitRun): void {
  // Filled in by the suite's author.
}
