import type { Subnet } from '../network/subnet.ts';

/** Who is looking: enough of a request's identity to decide which subnets it sees. */
export interface SubnetViewer {
  isAdmin: boolean;
  projectId: string | null;
}

/**
 * The subnets a caller sees: a subnet limited to projects is invisible to every other project, as another
 * project's private network is in Neutron, and administrators see them all.
 */
export function subnetsVisibleTo(subnets: readonly Subnet[], viewer: SubnetViewer): readonly Subnet[] {
  if (viewer.isAdmin) return subnets;
  return subnets.filter(
    (s) => s.projects === null || (viewer.projectId !== null && s.projects.includes(viewer.projectId)),
  );
}
