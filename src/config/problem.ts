/** A problem found in the config before it is tied to a place in the file: which key, and what is wrong. */
export type KeyPath = readonly (string | number)[];

export interface Problem {
  path: KeyPath;
  reason: string;
  /** Point at the key itself (an unknown key) rather than its value. */
  atKey?: boolean;
}

/** `['subnets', 0, 'cidr']` -> `subnets[0].cidr`, the way people write paths into YAML. */
export function formatKeyPath(path: KeyPath): string {
  if (path.length === 0) return '(top level)';
  return path
    .map((segment, i) => (typeof segment === 'number' ? `[${segment}]` : i === 0 ? segment : `.${segment}`))
    .join('');
}
