/**
 * Group commit for votes. Every vote must be on disk before the server acknowledges it
 * (`synchronous = FULL`: one fsync per transaction), and an fsync costs 0.2–3 ms on this kind of
 * machine — a ceiling of a few hundred votes per second if each vote is its own transaction. The
 * queue collects the votes that arrive while the event loop is busy and writes them in one
 * transaction on the next turn (`setImmediate`), then answers each request. Under no load a batch
 * is one vote and the latency is unchanged; under load the fsync is shared by the whole batch.
 * No vote is acknowledged before its transaction has committed.
 */
import type { HumanEvalStore, VoteOutcome, VoteRequest } from './store.ts';

interface Pending {
  request: VoteRequest;
  resolve(outcome: VoteOutcome): void;
  reject(error: unknown): void;
}

export class VoteQueue {
  private pending: Pending[] = [];
  private scheduled = false;
  /** Batches written and votes in them, for the server's stats. */
  readonly stats = { batches: 0, votes: 0, largest: 0 };

  constructor(
    private readonly store: HumanEvalStore,
    /** Upper bound on one transaction, so one batch cannot stall the loop for long. */
    private readonly maxBatch = 500,
  ) {}

  submit(request: VoteRequest): Promise<VoteOutcome> {
    return new Promise<VoteOutcome>((resolve, reject) => {
      this.pending.push({ request, resolve, reject });
      if (!this.scheduled) {
        this.scheduled = true;
        setImmediate(() => this.flush());
      }
    });
  }

  private flush(): void {
    const batch = this.pending.splice(0, this.maxBatch);
    this.scheduled = false;
    if (this.pending.length) {
      this.scheduled = true;
      setImmediate(() => this.flush());
    }
    if (batch.length === 0) return;
    let outcomes: VoteOutcome[];
    try {
      outcomes = this.store.voteBatch(batch.map((p) => p.request));
    } catch (error) {
      for (const p of batch) p.reject(error);
      return;
    }
    this.stats.batches++;
    this.stats.votes += batch.length;
    this.stats.largest = Math.max(this.stats.largest, batch.length);
    batch.forEach((p, i) => p.resolve(outcomes[i] ?? null));
  }
}
