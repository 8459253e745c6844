/** How long a reclaim waits for workers' answers before deciding with what came back. */
const RECLAIM_WAIT_MS = 500;

interface Waiting {
  worker: number;
  want: number;
  /** A reclaim round was already run for this request: if it freed nothing, the answer is no. */
  reclaimed: boolean;
  answer: (slots: number) => void;
}

/**
 * One limit (a listener's connection_limit, a load balancer's cap) as the control process keeps it over all
 * workers: which worker holds how many slots. The sum never exceeds the limit. A worker that needs a slot when
 * none is free makes the ledger ask every other worker for its unused ones first; only then is the answer no.
 */
export class SlotLedger {
  private readonly held = new Map<number, number>();
  private readonly waiting: Waiting[] = [];
  /** Workers asked to hand back spare slots that have not answered yet. */
  private unanswered = 0;
  private reclaimTimer: NodeJS.Timeout | null = null;

  constructor(
    private limit: number | null,
    /** Asks every worker but `except` to return its unused slots; returns how many were asked. */
    private readonly reclaimFrom: (except: number) => number,
  ) {}

  acquire(worker: number, want: number): Promise<number> {
    return new Promise((answer) => {
      this.waiting.push({ worker, want, reclaimed: false, answer });
      this.serve();
    });
  }

  release(worker: number, slots: number, reclaimed: boolean): void {
    this.held.set(worker, (this.held.get(worker) ?? 0) - slots);
    if (reclaimed && this.unanswered > 0 && --this.unanswered === 0) this.endReclaim();
    this.serve();
  }

  setLimit(limit: number | null): void {
    this.limit = limit;
    // A lowered limit takes back what workers hold beyond it as soon as they stop using it.
    if (limit !== null && this.total() > limit && this.unanswered === 0) this.startReclaim(-1);
    this.serve();
  }

  /** The worker is gone, and the slots it held with it. */
  dropWorker(worker: number): void {
    this.held.delete(worker);
    for (const waiting of this.waiting.filter((w) => w.worker === worker)) waiting.answer(0);
    this.waiting.splice(0, this.waiting.length, ...this.waiting.filter((w) => w.worker !== worker));
    this.serve();
  }

  /** Answers every request still waiting with nothing: the limit's object is gone. */
  close(): void {
    if (this.reclaimTimer) clearTimeout(this.reclaimTimer);
    for (const waiting of this.waiting.splice(0)) waiting.answer(0);
  }

  private serve(): void {
    while (this.waiting.length > 0 && this.unanswered === 0) {
      const next = this.waiting[0]!;
      const free = this.limit === null ? next.want : this.limit - this.total();
      if (free <= 0 && !next.reclaimed) {
        next.reclaimed = true;
        this.startReclaim(next.worker);
        continue;
      }
      this.waiting.shift();
      const slots = Math.max(0, Math.min(next.want, free));
      this.held.set(next.worker, (this.held.get(next.worker) ?? 0) + slots);
      next.answer(slots);
    }
  }

  private startReclaim(except: number): void {
    this.unanswered = this.reclaimFrom(except);
    if (this.unanswered === 0) return;
    this.reclaimTimer = setTimeout(() => {
      this.unanswered = 0;
      this.endReclaim();
      this.serve();
    }, RECLAIM_WAIT_MS);
  }

  private endReclaim(): void {
    if (this.reclaimTimer) clearTimeout(this.reclaimTimer);
    this.reclaimTimer = null;
  }

  private total(): number {
    let sum = 0;
    for (const slots of this.held.values()) sum += slots;
    return sum;
  }
}
