/** Why weir cannot start, in words for the operator: `weir serve` prints the message alone and exits non-zero. */
export class StartupError extends Error {
  override readonly name = 'StartupError';
}
