/** Octavia renders times as naive UTC ISO strings with microseconds: `2026-11-27T17:11:14.859010`. */
export function now(): string {
  return `${new Date().toISOString().slice(0, 23)}000`;
}
