import { execFileSync } from 'node:child_process';

/** Runs nft in network namespace `ns`, `input` as its standard input; its output. */
export const nftIn = (ns: string, args: readonly string[], input?: string): string =>
  execFileSync('ip', ['netns', 'exec', ns, 'nft', ...args], {
    input,
    encoding: 'utf8',
    timeout: 60_000,
    maxBuffer: 64 << 20,
  });

/**
 * A table's listing with its parts in a fixed order: objects sorted by header, elements sorted, counter values and
 * the generation (how many deltas led there) left out, so a table built by deltas compares with one written whole.
 */
export function normalisedTable(listing: string): string[] {
  const blocks = listing
    .trimEnd()
    .replace(/\n\}$/, '')
    .replace(/packets \d+ bytes \d+/g, '')
    .split(/\n\t(?=(?:counter|map|set|chain) \S+ \{)/)
    .slice(1);
  return blocks
    .map((block) =>
      block
        .replace(/\s+/g, ' ')
        .replace(/elements = \{ (.*?) \}/, (_, entries: string) => `elements = { ${entries.split(', ').sort()} }`)
        .trim(),
    )
    .filter((block) => !block.startsWith('set weir_generation'))
    .sort();
}
