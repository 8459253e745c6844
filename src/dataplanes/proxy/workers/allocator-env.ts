/**
 * What a process relaying bulk traffic needs from glibc's allocator, for its environment at start (glibc reads it
 * then, so it cannot be set from inside). Node allocates each 64 KiB socket read with malloc and frees the buffers
 * in batches when V8 collects them; with glibc's default trim threshold (128 KiB) each batch went back to the kernel
 * and the next reads faulted in fresh pages: TCP bulk through the proxy ran at ~8 Gbit per CPU-second, ~12-13 with
 * the heap kept (bench/README.md, http-proxy). The cost: up to this much freed heap stays resident per process.
 * An operator's own setting wins.
 */
export const TRIM_THRESHOLD_BYTES = 32 * 1024 * 1024;

export function allocatorEnv(env: NodeJS.ProcessEnv = process.env): Record<string, string> {
  return { MALLOC_TRIM_THRESHOLD_: env.MALLOC_TRIM_THRESHOLD_ ?? String(TRIM_THRESHOLD_BYTES) };
}
