import type { Json } from '../../client/octavia-client.ts';
import { cellText } from './cell-text.ts';
import { chooseColumns, type OutputChoice } from './output-options.ts';
import { shownValue } from './shown-value.ts';
import { structuredText } from './structured-text.ts';
import { renderTable } from './table-output.ts';

/**
 * One object (show, create, set): a Field/Value table, a JSON or YAML object with the columns as keys, or the values
 * alone, one per line.
 */
export function renderObject(object: Json, columns: readonly string[], choice: OutputChoice): string {
  const chosen = chooseColumns(columns, columns, choice.column);
  const values = chosen.map((column) => shownValue(object[column] ?? null));
  switch (choice.format) {
    case 'json':
    case 'yaml':
      return structuredText(Object.fromEntries(chosen.map((column, i) => [column, values[i]])), choice.format);
    case 'value':
      return values.map((value) => `${cellText(value)}\n`).join('');
    case 'table':
      return renderTable(
        ['Field', 'Value'],
        chosen.map((column, i) => [column, cellText(values[i])]),
      );
  }
}
