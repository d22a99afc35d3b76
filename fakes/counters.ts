/** What an upstream has seen: every request, by the outcome it played ("200", "429", "refuse", ...). */
export class Counters {
  seen = 0;
  readonly byOutcome = new Map<string, number>();

  count(outcome: string): void {
    this.seen++;
    this.byOutcome.set(outcome, (this.byOutcome.get(outcome) ?? 0) + 1);
  }

  of(outcome: string): number {
    return this.byOutcome.get(outcome) ?? 0;
  }

  reset(): void {
    this.seen = 0;
    this.byOutcome.clear();
  }

  toJSON(): { seen: number; byOutcome: Record<string, number> } {
    return { seen: this.seen, byOutcome: Object.fromEntries([...this.byOutcome].sort()) };
  }
}
