import type { KitRun } from '../kit';

export function contactSuites(_run: KitRun): void {
  // Filled in by the suite's author.
}
