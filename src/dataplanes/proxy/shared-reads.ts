/** How much one read takes at most: what Node's streams ask for. */
export const READ_BYTES = 64 * 1024;

/**
 * The fast path reads its connections into buffers read into again, shared by connections that are read one at a
 * time, while what a read brings is small: Node's streams allocate 64 KiB for each read and shrink it to what came
 * (plain), or allocate a buffer per decrypted record (TLS), and for a small request or answer that allocation, and the
 * collection of it, cost more than relaying it. A read this large is a body streaming: it is handed on in a buffer of
 * its connection's own, not copied. Smaller ones are copied out, so that a slow peer's queue of small pieces does not
 * hold 64 KiB for each.
 */
export const HANDED_OVER_FROM = 16 * 1024;
