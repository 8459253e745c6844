import { createHash } from 'node:crypto';

/**
 * Validated tokens, kept for at most `ttlMs` and never past their own expiry, so a revoked token stops working
 * within `ttlMs`. Bounded: the oldest entries go first. Keys are hashes, so the cache holds no usable token.
 * Concurrent look-ups of one token share one validation.
 */
export class TokenCache<T extends { expiresAt: number }> {
  private readonly entries = new Map<string, { value: T; until: number }>();
  private readonly pending = new Map<string, Promise<T | null>>();

  constructor(
    private readonly ttlMs: number,
    private readonly capacity = 10_000,
    private readonly now: () => number = Date.now,
  ) {}

  async get(token: string, validate: (token: string) => Promise<T | null>): Promise<T | null> {
    const key = createHash('sha256').update(token).digest('hex');
    const cached = this.entries.get(key);
    if (cached && cached.until > this.now()) return cached.value;
    this.entries.delete(key);
    const inFlight = this.pending.get(key);
    if (inFlight) return inFlight;
    const validation = validate(token).finally(() => this.pending.delete(key));
    this.pending.set(key, validation);
    const value = await validation;
    if (value && this.ttlMs > 0) this.remember(key, value);
    return value;
  }

  get size(): number {
    return this.entries.size;
  }

  private remember(key: string, value: T): void {
    if (this.entries.size >= this.capacity) {
      const oldest = this.entries.keys().next().value;
      if (oldest !== undefined) this.entries.delete(oldest);
    }
    this.entries.set(key, { value, until: Math.min(value.expiresAt, this.now() + this.ttlMs) });
  }
}
