/**
 * What the proxy benchmarks share: rounds and seconds per measurement from the environment (BENCH_ROUNDS, default 3;
 * BENCH_SECONDS, default 5; BENCH_ONLY, one figure alone), and the pinning on this 2-core machine: the proxy under
 * test on CPU 0, load generators and backends on CPU 1.
 */
export const ROUNDS = Number(process.env.BENCH_ROUNDS ?? 3);
export const SECONDS = Number(process.env.BENCH_SECONDS ?? 5);
export const ONLY = process.env.BENCH_ONLY;
export const PROXY_CPU = 0;
export const LOAD_CPU = 1;
/** Concurrent client connections of the load generators. */
export const CONNECTIONS = 64;
