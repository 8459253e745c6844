import Table from 'cli-table3';

/** ASCII borders, as the OpenStack CLI draws its tables (`+----+`, `| a |`), so output pastes anywhere. */
const ASCII = {
  top: '-',
  'top-mid': '+',
  'top-left': '+',
  'top-right': '+',
  bottom: '-',
  'bottom-mid': '+',
  'bottom-left': '+',
  'bottom-right': '+',
  left: '|',
  'left-mid': '+',
  mid: '-',
  'mid-mid': '+',
  right: '|',
  'right-mid': '+',
  middle: '|',
};

/** A table with a header line and no lines between rows; columns flagged in `alignRight` are right-aligned. */
export function renderTable(head: readonly string[], rows: readonly string[][], alignRight: readonly boolean[] = []) {
  const table = new Table({
    head: [...head],
    chars: ASCII,
    style: { head: [], border: [], compact: true },
    colAligns: head.map((_, index) => (alignRight[index] ? 'right' : 'left')),
  });
  table.push(...rows.map((row) => [...row]));
  return `${table.toString()}\n`;
}
