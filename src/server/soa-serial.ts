import type { StateStore } from '../store/state-store.ts';

/**
 * The SOA serial of weir's zones: the store's revision modulo 2^32, kept current from commit events so answering
 * reads no store. It grows by one with each change and only then, so under RFC 1982 serial arithmetic every serial
 * is newer than the one before as long as fewer than 2^31 changes pass between two looks, and wrapping past 2^32 is
 * what that arithmetic allows for. Being the store's, it is the same after a restart.
 */
export async function soaSerial(store: Pick<StateStore, 'onCommit' | 'revision'>): Promise<() => number> {
  let revision = 0;
  // Listening first: a commit landing while the revision is read is caught by one or the other, the larger wins.
  store.onCommit((event) => {
    revision = Math.max(revision, event.revision);
  });
  const stored = await store.revision();
  revision = Math.max(revision, stored);
  return () => revision % 2 ** 32;
}
