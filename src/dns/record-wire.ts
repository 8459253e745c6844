/** One resource record in wire form, through `dns-packet`'s record encoder (which its type declarations leave out). */
import dnsPacket, { type Answer } from 'dns-packet';

const recordCodec = (dnsPacket as unknown as { answer: { encode(record: Answer): Buffer } }).answer;

export function encodeRecord(record: Answer): Buffer {
  return recordCodec.encode(record);
}
