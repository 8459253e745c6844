import type { AccessRecord } from './access-record.ts';

const MONTHS = ['Jan', 'Feb', 'Mar', 'Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec'];
const two = (n: number) => (n < 10 ? `0${n}` : `${n}`);
const three = (n: number) => (n < 10 ? `00${n}` : n < 100 ? `0${n}` : `${n}`);

/** HAProxy's accept date, `27/Nov/2026:19:30:00.123`, in UTC. */
function acceptDate(ms: number): string {
  const d = new Date(ms);
  return (
    `${two(d.getUTCDate())}/${MONTHS[d.getUTCMonth()]}/${d.getUTCFullYear()}:` +
    `${two(d.getUTCHours())}:${two(d.getUTCMinutes())}:${two(d.getUTCSeconds())}.${three(d.getUTCMilliseconds())}`
  );
}

const client = (r: AccessRecord) =>
  r.clientAddress.includes(':') ? `[${r.clientAddress}]:${r.clientPort}` : `${r.clientAddress}:${r.clientPort}`;
const backend = (r: AccessRecord) => `${r.poolId ?? '<NOSRV>'}/${r.memberId ?? '<NOSRV>'}`;

/**
 * HAProxy's `httplog` for HTTP listeners, its `tcplog` for TCP and UDP ones, with the listener as frontend and
 * pool/member as backend/server, so tools that parse HAProxy logs read these too. Fields weir does not track
 * (captured cookies, queues) keep their place as HAProxy writes them when empty.
 */
export function haproxyLine(r: AccessRecord): string {
  const head = `${client(r)} [${acceptDate(r.start)}] ${r.listenerId} ${backend(r)}`;
  const termination = r.termination === null ? '--' : r.termination === 'timeout' ? 'sD' : 'SC';
  if (r.protocol !== 'HTTP') {
    return `${head} 0/${r.connectMs}/${r.totalMs} ${r.bytesOut} ${termination} 0/0/0/0/0 0/0`;
  }
  const request = `${r.method} ${r.path} HTTP/${r.httpVersion}`;
  return (
    `${head} 0/0/${r.connectMs}/${r.responseMs}/${r.totalMs} ${r.status} ${r.bytesOut} - - ${termination}-- ` +
    `0/0/0/0/0 0/0 "${request.replace(/["\\\n\r]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`)}"`
  );
}

/** One JSON object per line, the record's fields named as in the record. */
export function jsonLine(r: AccessRecord): string {
  return JSON.stringify({ time: new Date(r.start).toISOString(), ...r, start: undefined });
}
