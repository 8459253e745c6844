import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import type { MemberTls } from './member-tls.ts';
import { NO_SERVER_NAME, PerServerName } from './per-server-name.ts';

/** What Agent calls to open a connection, which the typings leave out. */
type AgentWithConnect = Agent & { createConnection: () => Socket };

/**
 * Server names a member's TLS connections are kept for; past it the agent used least recently is retired (its
 * connections close, and a request for that name opens new ones).
 */
const SERVER_NAMES_PER_MEMBER = 16;

/**
 * Keep-alive connection pools towards members, one per member, so requests reuse connections instead of paying a
 * handshake each; over TLS, one per member and server name the client asked for, so that a connection sent one
 * name never carries a request that came with another. A member that leaves the pool has its idle connections closed.
 */
export class MemberAgents {
  private readonly agents = new PerServerName<Agent>(SERVER_NAMES_PER_MEMBER, retire);

  /** `tls`: the pool's TLS to members as currently configured, null for plain connections. */
  constructor(private readonly tls: () => MemberTls | null = () => null) {}

  /** `serverName`: the name the client asked of a listener terminating TLS, sent on to TLS members. */
  agentFor(member: MemberSpec, serverName: string | null = null): Agent {
    const tls = this.tls();
    // Plain connections carry no name: one agent serves every client.
    const named = tls === null ? null : serverName;
    const key = named ?? NO_SERVER_NAME;
    let agent = this.agents.recent(member.id, key);
    if (agent !== undefined) return agent;
    agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
    // The agent's connections are TLS ones; the requests on them stay plain HTTP/1.1 ones, as the member sees them.
    if (tls !== null) (agent as AgentWithConnect).createConnection = () => tls.connect(member, undefined, named);
    this.agents.set(member.id, key, agent);
    return agent;
  }

  /**
   * Keeps the agents of these members and retires the others': their idle connections close now, the ones still
   * carrying a request close when it is answered, so removing a member cuts no request in flight.
   */
  retain(members: readonly MemberSpec[]): void {
    this.agents.retain(members, retire);
  }

  close(): void {
    this.agents.clear((agent) => agent.destroy());
  }
}

/** Closes the agent's idle connections now and the others once their request is answered. */
function retire(agent: Agent): void {
  // Not in the typings, but what Agent consults when a socket is freed: false closes it instead of pooling it.
  (agent as Agent & { keepAlive: boolean }).keepAlive = false;
  for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
}
