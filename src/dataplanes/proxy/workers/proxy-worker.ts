/**
 * A proxy worker process: listeners of every load balancer on sockets shared with the other workers, driven by the
 * control process over IPC (worker-messages.ts). It exits when the control process goes.
 */
// First: V8's linear-time regular expression engine is switched on before any module makes a regular expression.
import '../../../l7/linear-regex.ts';
import { addressSet } from '../../../network/address-set.ts';
import { AccessLog } from '../../../observability/access-log/access-log.ts';
import { LocalProxyEngine } from '../local-proxy-engine.ts';
import { leasedSlotProvider } from './leased-slots.ts';
import { type FromWorker, type ToWorker, WORKER_ENV, type WorkerSetup } from './worker-messages.ts';
import { WorkerStickSync } from './worker-stick-sync.ts';

const setup = JSON.parse(process.env[WORKER_ENV] ?? '') as WorkerSetup;
const send = (message: FromWorker): void => {
  if (process.connected) process.send!(message);
};

let nextAcquire = 0;
const grants = new Map<number, (slots: number) => void>();
const slots = leasedSlotProvider(setup.workers, {
  acquire: (key, want) =>
    new Promise((resolve) => {
      const id = nextAcquire++;
      grants.set(id, resolve);
      send({ t: 'acquire', id, key, want });
    }),
  release: (key, count, reclaimed) => send({ t: 'release', key, slots: count, reclaimed }),
});
const stickSync = new WorkerStickSync(send);
const engine = new LocalProxyEngine({
  trusted: addressSet(setup.trustedProxies),
  accessLog: setup.accessLog ? AccessLog.open(setup.accessLog) : null,
  slots,
  udp: setup.index === 0,
  persistence: { cookieKey: Buffer.from(setup.cookieKey, 'base64'), sync: stickSync },
  ticketKeys: Buffer.from(setup.ticketKeys, 'base64'),
});

async function answer(id: number, work: () => Promise<Partial<Extract<FromWorker, { t: 'done' }>> | undefined>) {
  try {
    send({ t: 'done', id, ...(await work()) });
  } catch (error) {
    send({ t: 'done', id, error: (error as Error).message });
  }
}

/** Applies and removes one at a time, in the order sent: a remove never lands in the middle of a bind. */
let changing: Promise<unknown> = Promise.resolve();
const inTurn = (work: () => Promise<void>) => async (): Promise<undefined> => {
  const turn = changing.then(work);
  changing = turn.catch(() => {});
  await turn;
  return undefined;
};

process.on('message', (message: ToWorker) => {
  switch (message.t) {
    case 'apply':
      return void answer(
        message.id,
        inTurn(() => engine.apply(message.spec)),
      );
    case 'remove':
      return void answer(
        message.id,
        inTurn(() => engine.remove(message.loadbalancerId)),
      );
    case 'stats':
      return void answer(message.id, async () => ({
        stats: [...(await engine.listenerStats(message.loadbalancerId))],
        members: [...(await engine.memberTraffic(message.loadbalancerId))],
      }));
    case 'close':
      // The control process disconnects once it has the answer, and this process exits then.
      return void answer(message.id, async () => void (await engine.close()));
    case 'health':
      return engine.setMemberHealth(message.loadbalancerId, message.memberId, message.up);
    case 'grant': {
      const resolve = grants.get(message.id);
      grants.delete(message.id);
      return resolve?.(message.slots);
    }
    case 'stuck':
      return stickSync.stuck(message);
    case 'reclaim': {
      const leased = slots.find(message.key);
      if (leased) return leased.returnSpare(true);
      return send({ t: 'release', key: message.key, slots: 0, reclaimed: true });
    }
  }
});
// Without the control process nothing would ever reconfigure or stop this one.
process.on('disconnect', () => process.exit(0));
send({ t: 'ready' });
