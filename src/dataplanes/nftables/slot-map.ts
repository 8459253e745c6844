import type { NftElements, NftObject } from './table-pieces.ts';

/** A Maglev table as the kernel holds it: a named map and its elements, which a delta changes slot by slot. */
export interface SlotMap {
  object: NftObject;
  elements: NftElements;
}

/**
 * A named map of `table.length` slots, slot -> what `of` makes of the slot's member, its values of nft type `value`
 * (`ip daddr`, `ether daddr`). Declared `typeof numgen`: a `typeof jhash` map makes nft 1.0.6's `nft list ruleset`
 * crash.
 */
export function slotMap(
  name: string,
  table: readonly number[],
  value: string,
  of: (member: number) => string,
): SlotMap {
  return {
    object: { kind: 'map', name, spec: `typeof numgen random mod ${table.length} : ${value} ;` },
    elements: { map: name, entries: table.map((member, slot) => [String(slot), of(member)]) },
  };
}
