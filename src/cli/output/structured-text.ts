import { stringify } from 'yaml';

/** JSON (indented by two spaces) or YAML text of data, ending with a newline. */
export function structuredText(data: unknown, format: 'json' | 'yaml'): string {
  if (format === 'json') return `${JSON.stringify(data, null, 2)}\n`;
  return stringify(data);
}
