import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NAT_TABLE } from './nat-ruleset.ts';

const run = promisify(execFile);

export interface CounterValue {
  packets: number;
  bytes: number;
}

/** Every named counter in weir's table; none when the table is not there (yet). */
export const readNatCounters = (): Promise<Map<string, CounterValue>> => readTableCounters('inet', NAT_TABLE);

/** Every named counter in one of weir's tables; none when that table is not there (yet). */
export async function readTableCounters(family: 'inet' | 'netdev', table: string): Promise<Map<string, CounterValue>> {
  const counters = new Map<string, CounterValue>();
  let listed: string;
  try {
    listed = (await run('nft', ['-j', 'list', 'counters', 'table', family, table], { timeout: 10_000 })).stdout;
  } catch {
    return counters;
  }
  const objects = (JSON.parse(listed) as { nftables?: { counter?: { name: string } & CounterValue }[] }).nftables;
  for (const object of objects ?? []) {
    if (object.counter)
      counters.set(object.counter.name, { packets: object.counter.packets, bytes: object.counter.bytes });
  }
  return counters;
}
