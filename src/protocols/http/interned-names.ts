/**
 * A fixed set of names found from bytes without building a string: a head parser meets the same methods and field
 * names on every request, and handing out the one interned string saves an allocation and makes later comparisons
 * pointer checks.
 */
import { lowerByte } from './head-bytes.ts';

export class InternedNames {
  private readonly byHash = new Map<number, string>();

  /** `foldCase`: names are looked up in any case and given back in lower case (they must be listed so). */
  constructor(
    names: readonly string[],
    private readonly foldCase: boolean,
  ) {
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
    for (let i = start; i < end; i++) if (this.fold(buffer[i]!) !== name.charCodeAt(i - start)) return undefined;
    return name;
  }

  private hash(buffer: Buffer, start: number, end: number): number {
    let hash = end - start;
    for (let i = start; i < end; i++) hash = (Math.imul(hash, 31) + this.fold(buffer[i]!)) | 0;
    return hash;
  }

  private fold(byte: number): number {
    return this.foldCase ? lowerByte(byte) : byte;
  }
}
