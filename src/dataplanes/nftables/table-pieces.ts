/**
 * What one part of an nftables table (its fixed frame, or one service) puts into it. The delta builder diffs these
 * between two states of the table, so a change writes only the pieces that differ.
 */
export interface TablePieces {
  /** Named counters, maps and sets it declares. */
  objects: readonly NftObject[];
  /** Chains it declares, with their rules. */
  chains: readonly NftChain[];
  /**
   * Elements it puts into maps and sets: into its own, or into shared ones another part declares, where an element
   * stays while any part puts it there.
   */
  elements: readonly NftElements[];
}

export interface NftObject {
  kind: 'counter' | 'map' | 'set';
  name: string;
  /** What goes between the braces of a map or set (`type ... ;`); empty for a counter. */
  spec: string;
}

export interface NftChain {
  name: string;
  /** A base chain's `type ... hook ... priority ...; policy ...;`; null for a chain reached by jumps and maps. */
  hook: string | null;
  rules: readonly string[];
}

export interface NftElements {
  map: string;
  /** Key and value; the value is empty in a set. */
  entries: readonly (readonly [key: string, value: string])[];
}
