import type { Json } from '../../client/octavia-client.ts';
import { cellText } from './cell-text.ts';
import { chooseColumns, type OutputChoice } from './output-options.ts';
import { shownValue } from './shown-value.ts';
import { structuredText } from './structured-text.ts';
import { renderTable } from './table-output.ts';

/**
 * A list: a table with one row per object (numbers right-aligned, nothing at all for no objects), a JSON or YAML
 * list of objects keyed by column, or one line of space-separated values per object. `-c` may pick any of
 * `available`, which includes fields the default `columns` leave out.
 */
export function renderList(
  objects: readonly Json[],
  columns: readonly string[],
  available: readonly string[],
  choice: OutputChoice,
): string {
  const chosen = chooseColumns(columns, available, choice.column);
  const rows = objects.map((object) => chosen.map((column) => shownValue(object[column] ?? null)));
  switch (choice.format) {
    case 'json':
    case 'yaml':
      return structuredText(
        rows.map((row) => Object.fromEntries(chosen.map((column, i) => [column, row[i]]))),
        choice.format,
      );
    case 'value':
      return rows.map((row) => `${row.map(cellText).join(' ')}\n`).join('');
    case 'table': {
      if (rows.length === 0) return '';
      const numeric = chosen.map(
        (_, i) =>
          rows.some((row) => typeof row[i] === 'number') &&
          rows.every((row) => typeof row[i] === 'number' || row[i] === null),
      );
      return renderTable(
        chosen,
        rows.map((row) => row.map(cellText)),
        numeric,
      );
    }
  }
}
