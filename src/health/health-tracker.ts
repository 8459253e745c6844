/** What one probe result did to a member's health. */
export type RecordOutcome =
  /** The reported status changed: the first verdict of all, or a rise or fall threshold was crossed. */
  | 'changed'
  /** The result confirms the current status. */
  | 'unchanged'
  /** The result counts toward a threshold that is not reached yet. */
  | 'pending';

/** A member's health: UNKNOWN until its first probe result, then UP or DOWN. */
export type TrackedStatus = 'UP' | 'DOWN' | 'UNKNOWN';

/**
 * Rise/fall hysteresis for one member, pure and clock-free.
 *
 * The start follows HAProxy's default (`init-state up`): a member with a new monitor carries traffic, UNKNOWN here,
 * but is not yet trusted, so its first result decides at once. A success confirms it UP, a failure takes it DOWN.
 * From then on it takes `rise` consecutive successes to go from DOWN to UP and `fall` consecutive failures to go
 * from UP to DOWN; any opposite result restarts the count. Data planes route to UNKNOWN members as to UP ones.
 */
export class HealthTracker {
  readonly rise: number;
  readonly fall: number;
  #status: TrackedStatus = 'UNKNOWN';
  #consecutiveSuccesses = 0;
  #consecutiveFailures = 0;

  constructor(rise: number, fall: number) {
    if (!isThreshold(rise) || !isThreshold(fall))
      throw new RangeError(`rise and fall must be 1-10, not ${rise}/${fall}`);
    this.rise = rise;
    this.fall = fall;
  }

  get status(): TrackedStatus {
    return this.#status;
  }

  get consecutiveSuccesses(): number {
    return this.#consecutiveSuccesses;
  }

  get consecutiveFailures(): number {
    return this.#consecutiveFailures;
  }

  record(ok: boolean): RecordOutcome {
    if (ok) {
      this.#consecutiveSuccesses++;
      this.#consecutiveFailures = 0;
    } else {
      this.#consecutiveFailures++;
      this.#consecutiveSuccesses = 0;
    }
    const next = this.#statusAfter(ok);
    if (next === this.#status) return ok === (next === 'UP') ? 'unchanged' : 'pending';
    this.#status = next;
    return 'changed';
  }

  #statusAfter(ok: boolean): TrackedStatus {
    if (this.#status === 'UNKNOWN') return ok ? 'UP' : 'DOWN';
    if (this.#status === 'DOWN') return this.#consecutiveSuccesses >= this.rise ? 'UP' : 'DOWN';
    return this.#consecutiveFailures >= this.fall ? 'DOWN' : 'UP';
  }
}

function isThreshold(value: number): boolean {
  return Number.isInteger(value) && value >= 1 && value <= 10;
}
