/**
 * Why a YAML file weir reads (its config, a declarative file) was refused: one line per problem, each naming where
 * (file:line:column, or the command-line flag), the key path and the reason, so the message alone is enough to fix
 * the file.
 */
export interface ConfigIssue {
  /** `weir.yaml:12:7`, `--listen`, or the file alone when no position applies. */
  where: string;
  line?: number;
  column?: number;
  /** Key path such as `subnets[0].cidr`. */
  path: string;
  reason: string;
}

export class ConfigError extends Error {
  readonly issues: readonly ConfigIssue[];

  constructor(issues: readonly ConfigIssue[]) {
    super(issues.map(formatIssue).join('\n'));
    this.name = 'ConfigError';
    this.issues = issues;
  }
}

export const formatIssue = (issue: ConfigIssue): string => `${issue.where}: ${issue.path}: ${issue.reason}`;
