/**
 * How a run paces its batches: a time budget checked between batches, and a
 * batch size that shrinks when a batch runs long (so each delete holds its
 * row locks and I/O for a short moment, and a concurrent writer is not held
 * up) and grows back, never beyond the configured size, when batches are quick.
 * Between batches the run rests a tenth of the last batch's time, leaving the
 * database a moment for other work (a writer's commits wait behind the WAL the
 * deletes produce).
 */
export interface BatchInfo {
  /** 1-based, across the whole run. */
  index: number;
  kind: "usage" | "audit";
  /** The org the batch belonged to; null for the platform audit chain. */
  orgId: string | null;
  deleted: number;
  ms: number;
}

/** Aim for batches well under 100 ms, and leave the database half as long again to other writers. */
const TARGET_MS = 40;
const MIN_SIZE = 100;
const REST_RATIO = 0.5;

export class BatchPacer {
  private readonly deadline: number;
  private size: number;
  batches = 0;
  maxBatchMs = 0;
  totalBatchMs = 0;

  constructor(
    budgetMs: number,
    private readonly maxSize: number,
    private readonly onBatch?: (batch: BatchInfo) => void | Promise<void>,
  ) {
    this.deadline = performance.now() + budgetMs;
    this.size = maxSize;
  }

  /** The time budget is spent: start no new batch. */
  get exhausted(): boolean {
    return performance.now() >= this.deadline;
  }

  /** Rows the next batch may delete (`cap` for the cost of the batch kind). */
  nextSize(cap = Infinity): number {
    return Math.max(1, Math.min(this.size, cap));
  }

  /** Account for a committed batch, adjust the size, and call the hook (which may throw to stop the run). */
  async done(kind: BatchInfo["kind"], orgId: string | null, deleted: number, ms: number): Promise<void> {
    this.batches += 1;
    this.maxBatchMs = Math.max(this.maxBatchMs, ms);
    this.totalBatchMs += ms;
    if (ms > TARGET_MS * 1.5) this.size = Math.max(Math.min(MIN_SIZE, this.maxSize), Math.floor(this.size / 2));
    else if (ms < TARGET_MS / 2 && deleted >= this.size) this.size = Math.min(this.maxSize, Math.ceil(this.size * 1.25));
    await this.onBatch?.({ index: this.batches, kind, orgId, deleted, ms: Math.round(ms * 10) / 10 });
    await new Promise((resolve) => setTimeout(resolve, ms * REST_RATIO));
  }
}
