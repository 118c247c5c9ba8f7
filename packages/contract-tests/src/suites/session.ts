import type { KitRun } from '../kit';

export function sessionSuites(_run: KitRun): void {
  // Filled in by the suite's author.
}
