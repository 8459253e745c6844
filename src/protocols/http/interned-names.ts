/**
 * A fixed set of names found from bytes without building a string: a head parser meets the same methods and field
 * names on every request, and handing out the one interned string saves an allocation and makes later comparisons
 * pointer checks.
 */
import { lowerByte } from './head-bytes.ts';

/** Each byte as itself, or lower-cased: one load per byte in the loops below, rather than a branch on the case. */
const SAME = Uint8Array.from({ length: 256 }, (_, byte) => byte);
const LOWER = Uint8Array.from({ length: 256 }, (_, byte) => lowerByte(byte));

export class InternedNames {
  private readonly byHash = new Map<number, string>();
  private readonly bytes: Uint8Array;

  /** `foldCase`: names are looked up in any case and given back in lower case (they must be listed so). */
  constructor(names: readonly string[], foldCase: boolean) {
    this.bytes = foldCase ? LOWER : SAME;
    for (const name of names) {
      const hash = this.hash(Buffer.from(name, 'latin1'), 0, name.length);
      // A collision would make one of the two names never found; the lists are fixed, so this fails at load.
      if (this.byHash.has(hash)) throw new Error(`${name} and ${this.byHash.get(hash)} hash alike`);
      this.byHash.set(hash, name);
    }
  }

  /** The interned name spelt by bytes [start, end), or undefined when it is not in the set. */
  find(buffer: Buffer, start: number, end: number): string | undefined {
    const name = this.byHash.get(this.hash(buffer, start, end));
    if (name === undefined || name.length !== end - start) return undefined;
    const { bytes } = this;
    for (let i = start; i < end; i++) if (bytes[buffer[i]!] !== name.charCodeAt(i - start)) return undefined;
    return name;
  }

  private hash(buffer: Buffer, start: number, end: number): number {
    const { bytes } = this;
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + bytes[buffer[i]!]!) | 0;
    return hash;
  }
}
