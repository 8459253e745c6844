/** Every problem `parseConfig` finds in a config text, as `line:column path: reason`; none when it loads. */
import assert from 'node:assert/strict';
import { ConfigError } from '../../src/config/config-error.ts';
import { parseConfig } from '../../src/config/load-config.ts';

export function configProblems(text: string): string[] {
  try {
    parseConfig(text, 'weir.yaml');
  } catch (error) {
    assert.ok(error instanceof ConfigError, String(error));
    return error.issues.map((issue) => `${issue.line}:${issue.column} ${issue.path}: ${issue.reason}`);
  }
  return [];
}
