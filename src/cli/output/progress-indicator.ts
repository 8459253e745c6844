/** A stream that may be a terminal, as process.stderr is. */
export interface MaybeTerminal {
  write(text: string): unknown;
  isTTY?: boolean;
}

const FRAMES = ['|', '/', '-', '\\'];

/**
 * One line on a terminal that says what is being waited for and the latest status, redrawn in place, and erased
 * when done. On anything but a terminal (a pipe, a file, a CI log) it writes nothing, so output stays clean.
 */
export class ProgressIndicator {
  private frame = 0;
  private drawn = false;
  private readonly startedAt = Date.now();

  constructor(
    private readonly stream: MaybeTerminal,
    private readonly waitingFor: string,
  ) {}

  update(status: string): void {
    if (!this.stream.isTTY) return;
    const seconds = Math.floor((Date.now() - this.startedAt) / 1000);
    const spinner = FRAMES[this.frame++ % FRAMES.length];
    this.stream.write(`\r${spinner} waiting for ${this.waitingFor}: ${status} (${seconds} s)\u001b[K`);
    this.drawn = true;
  }

  clear(): void {
    if (this.drawn) this.stream.write('\r\u001b[K');
    this.drawn = false;
  }
}
