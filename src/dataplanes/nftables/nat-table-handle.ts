import { execFile } from 'node:child_process';
import { promisify } from 'node:util';
import { NAT_TABLE } from './nat-ruleset.ts';

const run = promisify(execFile);

/** The kernel's handle of weir's table, which a table deleted and created again does not keep; null: no table. */
export async function readNatTableHandle(): Promise<number | null> {
  let listed: string;
  try {
    listed = (await run('nft', ['-j', 'list', 'tables', 'inet'], { timeout: 10_000 })).stdout;
  } catch {
    return null;
  }
  const objects = (JSON.parse(listed) as { nftables?: { table?: { name: string; handle: number } }[] }).nftables;
  return objects?.find((object) => object.table?.name === NAT_TABLE)?.table?.handle ?? null;
}
