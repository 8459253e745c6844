import cluster, { type Worker } from 'node:cluster';
import { extname } from 'node:path';
import { fileURLToPath } from 'node:url';
import type { LoadBalancerSpec } from '../../../model/load-balancer-spec.ts';
import { type DriverSettings, sumTraffic, type TrafficCounters } from '../../driver.ts';
import { listenerSlotsKey, loadBalancerSlotsKey } from '../local-proxy-engine.ts';
import type { ProxyEngine } from '../proxy-engine.ts';
import { newTicketKeys } from '../tls/ticket-keys.ts';
import { type MemberTraffic, sumMemberTraffic } from '../traffic-counters.ts';
import { allocatorEnv } from './allocator-env.ts';
import { SlotLedger } from './slot-ledger.ts';
import { StickHub } from './stick-hub.ts';
import { type FromWorker, type ToWorker, WORKER_ENV, type WorkerSetup } from './worker-messages.ts';

type WithoutId<T> = T extends unknown ? Omit<T, 'id'> : never;
/** A message to a worker that its `done` answers, before the id is given. */
type Request = WithoutId<Extract<ToWorker, { id: number }>>;
type Done = Extract<FromWorker, { t: 'done' }>;

/** A worker that died is replaced after this long, growing to RESPAWN_MAX_MS while they keep dying. */
const RESPAWN_MS = 100;
const RESPAWN_MAX_MS = 5_000;
/** How long close waits for a worker to finish before killing it. */
const CLOSE_WAIT_MS = 5_000;

/** How long a request waits for a worker that is starting or being replaced. */
const READY_WAIT_MS = 30_000;
/** A worker that stays up this long resets the respawn back-off. */
const STABLE_MS = 10_000;

/** One worker process as the control process tracks it. */
interface Slot {
  index: number;
  /** The current process, from fork to exit. */
  worker: Worker | null;
  /** The current process once it said `ready`: only then does it take requests. */
  live: Worker | null;
  /** Requests waiting for a live worker. */
  waiters: Set<(worker: Worker | null) => void>;
  pending: Map<number, (done: Done) => void>;
  respawnMs: number;
  stable: NodeJS.Timeout | null;
}

/**
 * The proxy on every core: one worker process per core, each running every listener on sockets the kernel shares
 * between them (cluster with SCHED_NONE: no accept passes through this process, which stays free for the API).
 * Balancing state is per worker; connection limits are global through the slot ledgers kept here. A worker that
 * dies is replaced and given every load balancer again.
 */
export class ClusterProxyEngine implements ProxyEngine {
  private readonly slots: Slot[] = [];
  private readonly specs = new Map<string, LoadBalancerSpec>();
  /** Members health checks found down, by load balancer, for workers started later. */
  private readonly down = new Map<string, Set<string>>();
  private readonly ledgers = new Map<string, SlotLedger>();
  private readonly stickHub = new StickHub();
  private nextId = 0;
  private closing = false;
  private readonly ticketKeys = newTicketKeys();

  constructor(
    private readonly settings: DriverSettings,
    /** HTTP_COOKIE persistence's key, handed to every worker. */
    private readonly cookieKey: Buffer,
  ) {}

  async apply(spec: LoadBalancerSpec): Promise<void> {
    this.start();
    this.syncLedgers(this.specs.get(spec.id), spec);
    this.specs.set(spec.id, spec);
    this.retainStickTables();
    await this.everywhere({ t: 'apply', spec });
  }

  async remove(loadbalancerId: string): Promise<void> {
    const spec = this.specs.get(loadbalancerId);
    if (!spec) return;
    this.specs.delete(loadbalancerId);
    this.down.delete(loadbalancerId);
    this.retainStickTables();
    await this.everywhere({ t: 'remove', loadbalancerId });
    this.syncLedgers(spec, undefined);
  }

  setMemberHealth(loadbalancerId: string, memberId: string, up: boolean): void {
    const down = this.down.get(loadbalancerId) ?? new Set<string>();
    this.down.set(loadbalancerId, down);
    if (up) down.delete(memberId);
    else down.add(memberId);
    for (const slot of this.slots) this.post(slot, { t: 'health', loadbalancerId, memberId, up });
  }

  async listenerStats(loadbalancerId: string): Promise<Map<string, TrafficCounters>> {
    const totals = new Map<string, TrafficCounters>();
    for (const answer of await this.statsOf(loadbalancerId)) {
      for (const [listenerId, counters] of answer.stats ?? []) {
        const total = totals.get(listenerId);
        totals.set(listenerId, total ? sumTraffic([total, counters]) : counters);
      }
    }
    return totals;
  }

  async memberTraffic(loadbalancerId: string): Promise<Map<string, MemberTraffic>> {
    const totals = new Map<string, MemberTraffic>();
    for (const answer of await this.statsOf(loadbalancerId)) sumMemberTraffic(totals, answer.members ?? []);
    return totals;
  }

  /** Every worker's counters of the load balancer; a worker that does not answer is left out. */
  private async statsOf(loadbalancerId: string) {
    if (!this.specs.has(loadbalancerId)) return [];
    const answers = await Promise.allSettled(this.slots.map((slot) => this.ask(slot, { t: 'stats', loadbalancerId })));
    return answers.flatMap((answer) => (answer.status === 'fulfilled' ? [answer.value] : []));
  }

  async close(): Promise<void> {
    this.closing = true;
    await Promise.all(this.slots.map((slot) => this.stop(slot)));
    for (const ledger of this.ledgers.values()) ledger.close();
  }

  /** Forks the workers on first use, so a weir that never runs a proxy load balancer runs no workers. */
  private start(): void {
    if (this.slots.length > 0) return;
    // Before the first fork, or Node picks round-robin, where this process accepts every connection itself and
    // hands it to a worker: measured with one worker on one core (bench/http-proxy, new connections), 6.0k
    // connections per CPU-second against 14.7k-17.5k with the workers accepting from the shared socket.
    cluster.schedulingPolicy = cluster.SCHED_NONE;
    const here = fileURLToPath(import.meta.url);
    cluster.setupPrimary({ exec: here.replace(/cluster-proxy-engine(\.[jt]s)$/, `proxy-worker${extname(here)}`) });
    for (let index = 0; index < this.settings.proxyWorkers; index++) {
      const slot: Slot = {
        index,
        worker: null,
        live: null,
        waiters: new Set(),
        pending: new Map(),
        respawnMs: RESPAWN_MS,
        stable: null,
      };
      this.slots.push(slot);
      this.fork(slot);
    }
  }

  private fork(slot: Slot): void {
    const setup: WorkerSetup = {
      index: slot.index,
      workers: this.settings.proxyWorkers,
      trustedProxies: this.settings.trustedProxies,
      cookieKey: this.cookieKey.toString('base64'),
      ticketKeys: this.ticketKeys.toString('base64'),
      ...(this.settings.accessLog ? { accessLog: this.settings.accessLog } : {}),
    };
    const worker = cluster.fork({ ...allocatorEnv(), [WORKER_ENV]: JSON.stringify(setup) });
    slot.worker = worker;
    slot.live = null;
    // A send to a worker that just died fails here, not as an exception; its exit then answers what was pending.
    worker.on('error', (error) => console.error(`weir: proxy worker ${slot.index}: ${error.message}`));
    worker.on('message', (message: FromWorker) => {
      // What a replaced worker still had in flight is not for its successor's ledgers or requests.
      if (slot.worker !== worker) return;
      if (message.t !== 'ready') return this.receive(slot, message);
      slot.live = worker;
      for (const wake of slot.waiters) wake(worker);
      slot.waiters.clear();
      slot.stable = setTimeout(() => {
        slot.respawnMs = RESPAWN_MS;
      }, STABLE_MS).unref();
    });
    worker.once('exit', (code, signal) => this.exited(slot, worker, code, signal));
  }

  /** The slot's worker once it is ready; null when weir is closing or none became ready in time. */
  private liveWorker(slot: Slot): Promise<Worker | null> {
    if (slot.live?.isConnected()) return Promise.resolve(slot.live);
    if (this.closing) return Promise.resolve(null);
    return new Promise((resolve) => {
      const timer = setTimeout(() => {
        slot.waiters.delete(wake);
        resolve(null);
      }, READY_WAIT_MS);
      const wake = (worker: Worker | null) => {
        clearTimeout(timer);
        resolve(worker);
      };
      slot.waiters.add(wake);
    });
  }

  private receive(slot: Slot, message: FromWorker): void {
    switch (message.t) {
      case 'done': {
        const resolve = slot.pending.get(message.id);
        slot.pending.delete(message.id);
        resolve?.(message);
        break;
      }
      case 'acquire': {
        const ledger = this.ledgers.get(message.key);
        const granted = ledger ? ledger.acquire(slot.index, message.want) : Promise.resolve(0);
        void granted.then((slots) => this.post(slot, { t: 'grant', id: message.id, slots }));
        break;
      }
      case 'release':
        this.ledgers.get(message.key)?.release(slot.index, message.slots, message.reclaimed);
        break;
      case 'stick':
        this.stick(slot, message);
        break;
      case 'touch':
        this.stickHub.touch(message.pool, message.key, Date.now());
        break;
    }
  }

  /**
   * A worker stuck a client to a member and used it already. Kept: the other workers learn it. Refused (another
   * worker stuck the client first): the worker learns the member kept, and its next connections follow.
   */
  private stick(from: Slot, message: Extract<FromWorker, { t: 'stick' }>): void {
    const { pool, key, member, expected, idleMs } = message;
    const verdict = this.stickHub.propose(pool, key, member, expected, idleMs, Date.now());
    const stuck: ToWorker = { t: 'stuck', pool, entries: [[key, verdict.member]] };
    if (verdict.member !== member) this.post(from, stuck);
    else if (verdict.changed) for (const slot of this.slots) if (slot !== from) this.post(slot, stuck);
  }

  private retainStickTables(): void {
    const pools = new Set<string>();
    for (const spec of this.specs.values()) for (const pool of spec.pools) pools.add(pool.id);
    this.stickHub.retain(pools);
  }

  private exited(slot: Slot, worker: Worker, code: number | null, signal: string | null): void {
    if (slot.worker !== worker) return;
    slot.worker = null;
    slot.live = null;
    if (slot.stable) clearTimeout(slot.stable);
    const gone: Done = { t: 'done', id: -1, error: `proxy worker ${slot.index} exited (${signal ?? code})` };
    for (const resolve of slot.pending.values()) resolve(gone);
    slot.pending.clear();
    for (const ledger of this.ledgers.values()) ledger.dropWorker(slot.index);
    if (this.closing) {
      for (const wake of slot.waiters) wake(null);
      slot.waiters.clear();
      return;
    }
    console.error(`weir: ${gone.error}; starting another in ${slot.respawnMs} ms`);
    const delay = slot.respawnMs;
    slot.respawnMs = Math.min(RESPAWN_MAX_MS, slot.respawnMs * 2);
    setTimeout(() => this.respawn(slot), delay).unref();
  }

  /** A new worker gets every load balancer, then the health verdicts on its members the old one had. */
  private async respawn(slot: Slot): Promise<void> {
    if (this.closing) return;
    this.fork(slot);
    for (const spec of this.specs.values()) {
      const done = await this.ask(slot, { t: 'apply', spec });
      if (done.error) console.error(`weir: proxy worker ${slot.index}: load balancer ${spec.id}: ${done.error}`);
      for (const memberId of this.down.get(spec.id) ?? []) {
        this.post(slot, { t: 'health', loadbalancerId: spec.id, memberId, up: false });
      }
    }
    // Clients stuck before keep their members on this worker too.
    for (const [pool, entries] of this.stickHub.entries(Date.now())) this.post(slot, { t: 'stuck', pool, entries });
  }

  /** Sends a request to every worker; the first failure is the answer. */
  private async everywhere(request: Request): Promise<void> {
    const answers = await Promise.all(this.slots.map((slot) => this.ask(slot, request)));
    const failed = answers.find((done) => done.error);
    if (failed) throw new Error(failed.error);
  }

  private async ask(slot: Slot, request: Request): Promise<Done> {
    const worker = await this.liveWorker(slot);
    // It may have gone since it was found: its exit answered only what was pending then.
    if (!worker || slot.worker !== worker || !worker.isConnected()) {
      return { t: 'done', id: -1, error: `proxy worker ${slot.index} is not running` };
    }
    const id = this.nextId++;
    return new Promise((resolve) => {
      slot.pending.set(id, resolve);
      worker.send({ ...request, id } as ToWorker);
    });
  }

  private post(slot: Slot, message: ToWorker): void {
    void this.liveWorker(slot).then((worker) => {
      if (worker?.isConnected()) worker.send(message);
    });
  }

  private async stop(slot: Slot): Promise<void> {
    const worker = slot.worker;
    if (!worker) return;
    const exited = new Promise<void>((resolve) => worker.once('exit', () => resolve()));
    const killer = setTimeout(() => worker.process.kill('SIGKILL'), CLOSE_WAIT_MS);
    await this.ask(slot, { t: 'close' });
    if (worker.isConnected()) worker.disconnect();
    await exited;
    clearTimeout(killer);
  }

  /** Ledgers follow the limits of the load balancer and its listeners; a removed object's ledger goes. */
  private syncLedgers(before: LoadBalancerSpec | undefined, after: LoadBalancerSpec | undefined): void {
    const limits = new Map<string, number | null>();
    if (after) {
      limits.set(loadBalancerSlotsKey(after.id), after.maxConnections);
      for (const listener of after.listeners) limits.set(listenerSlotsKey(listener.id), listener.connectionLimit);
    }
    const previous = before
      ? [loadBalancerSlotsKey(before.id), ...before.listeners.map((l) => listenerSlotsKey(l.id))]
      : [];
    for (const key of previous) {
      if (limits.has(key)) continue;
      this.ledgers.get(key)?.close();
      this.ledgers.delete(key);
    }
    for (const [key, limit] of limits) {
      const ledger = this.ledgers.get(key);
      if (ledger) ledger.setLimit(limit);
      else this.ledgers.set(key, new SlotLedger(limit, (except) => this.reclaimFrom(key, except)));
    }
  }

  private reclaimFrom(key: string, except: number): number {
    const asked = this.slots.filter((slot) => slot.index !== except && slot.worker?.isConnected());
    for (const slot of asked) this.post(slot, { t: 'reclaim', key });
    return asked.length;
  }
}
