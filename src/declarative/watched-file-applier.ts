/**
 * `weir serve --watch FILE`: a standalone weir that keeps itself in line with a declarative file. The file is applied
 * at start and after every change, through weir's own API like any client (the API writes desired state), with
 * pruning: the file is the whole of its project. A file that cannot be read or is refused is reported with its line
 * and column and not applied, so the last good state keeps running; the next change is tried again. One apply runs
 * at a time; changes that come meanwhile are applied once it is done.
 */
import { ApiError, ClientError, EndpointUnreachable } from '../client/client-errors.ts';
import type { OctaviaClient } from '../client/octavia-client.ts';
import { ConfigError } from '../config/config-error.ts';
import { readSourceText } from '../config/yaml-source.ts';
import { applyFilePlan, planFile } from './file-plan.ts';
import { type FileWatch, watchFile } from './file-watch.ts';
import { countText, doneText } from './plan-text.ts';

export interface WatchLog {
  info(message: string): void;
  error(message: string): void;
}

export interface WatchOptions {
  /** The project the file describes: weir's default one, which a noauth client without X-Project-Id acts for. */
  readonly project: string;
  /** How long the file must be left alone after a change before it is read. */
  readonly quietMs: number;
  /** How long one change may take to be ACTIVE. */
  readonly timeoutMs: number;
}

const PREFIX = 'weir: watch:';

export class WatchedFileApplier {
  private watch: FileWatch | undefined;
  private running: Promise<void> = Promise.resolve();
  private pending = false;
  private busy = false;
  private closed = false;

  private constructor(
    private readonly path: string,
    private readonly client: OctaviaClient,
    private readonly options: WatchOptions,
    private readonly log: WatchLog,
  ) {}

  /** Applies the file now and after each change. */
  static start(path: string, client: OctaviaClient, options: WatchOptions, log: WatchLog): WatchedFileApplier {
    const applier = new WatchedFileApplier(path, client, options, log);
    applier.watch = watchFile(path, options.quietMs, () => applier.request());
    log.info(`${PREFIX} keeping weir in line with ${path}`);
    applier.request();
    return applier;
  }

  /** Stops watching and waits for an apply under way to end. */
  async close(): Promise<void> {
    this.closed = true;
    this.watch?.close();
    await this.running;
  }

  /** Whatever the file says now is applied, after the apply under way if there is one. */
  private request(): void {
    if (this.closed) return;
    if (this.busy) {
      this.pending = true;
      return;
    }
    this.busy = true;
    this.running = this.drain();
  }

  private async drain(): Promise<void> {
    do {
      this.pending = false;
      await this.applyOnce();
    } while (this.pending && !this.closed);
    this.busy = false;
  }

  private async applyOnce(): Promise<void> {
    const { path, client, options, log } = this;
    let started = false;
    try {
      const planned = await planFile(client, readSourceText(path), path, { project: options.project, prune: true });
      if (planned.plan.changes.length === 0) {
        log.info(`${PREFIX} ${path}: weir is in line with it`);
        return;
      }
      started = true;
      await applyFilePlan(client, planned, {
        project: options.project,
        timeoutMs: options.timeoutMs,
        onChange: (change) => log.info(`${PREFIX} ${doneText(change)}`),
      });
      log.info(`${PREFIX} ${path} applied: ${countText(planned.plan, true)}`);
    } catch (error) {
      // What a file or the API can cause is told in a few words; anything else is a bug, told with its stack, but
      // the load balancers weir carries are no reason to stop.
      const known = [ConfigError, ApiError, ClientError, EndpointUnreachable].some((kind) => error instanceof kind);
      const text = known ? (error as Error).message : `unexpected error: ${(error as Error).stack ?? String(error)}`;
      for (const line of text.split('\n')) log.error(`${PREFIX} ${line}`);
      const what = started ? 'stopped part way' : 'not applied';
      log.error(`${PREFIX} ${path} ${what}: weir keeps what it has until the file changes again`);
    }
  }
}
