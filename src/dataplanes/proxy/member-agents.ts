import { Agent } from 'node:http';
import type { Socket } from 'node:net';
import type { MemberSpec } from '../../model/load-balancer-spec.ts';
import type { MemberTls } from './member-tls.ts';

/** What Agent calls to open a connection, which the typings leave out. */
type AgentWithConnect = Agent & { createConnection: () => Socket };

/**
 * Keep-alive connection pools towards members, one per member, so requests reuse connections instead of paying a
 * handshake each. A member that leaves the pool has its idle connections closed.
 */
export class MemberAgents {
  private readonly agents = new Map<string, Agent>();

  /** `tls`: the pool's TLS to members as currently configured, null for plain connections. */
  constructor(private readonly tls: () => MemberTls | null = () => null) {}

  agentFor(member: MemberSpec): Agent {
    let agent = this.agents.get(member.id);
    if (!agent) {
      agent = new Agent({ keepAlive: true, maxFreeSockets: 256, scheduling: 'lifo' });
      const tls = this.tls();
      // The agent's connections are TLS ones; the requests on them stay plain HTTP/1.1 ones, as the member sees them.
      if (tls !== null) (agent as AgentWithConnect).createConnection = () => tls.connect(member);
      this.agents.set(member.id, agent);
    }
    return agent;
  }

  /**
   * Keeps the agents of these members and retires the others': their idle connections close now, the ones still
   * carrying a request close when it is answered, so removing a member cuts no request in flight.
   */
  retain(members: readonly MemberSpec[]): void {
    for (const [id, agent] of this.agents) {
      if (members.some((m) => m.id === id)) continue;
      this.agents.delete(id);
      // Not in the typings, but what Agent consults when a socket is freed: false closes it instead of pooling it.
      (agent as Agent & { keepAlive: boolean }).keepAlive = false;
      for (const sockets of Object.values(agent.freeSockets)) for (const socket of sockets ?? []) socket.destroy();
    }
  }

  close(): void {
    for (const agent of this.agents.values()) agent.destroy();
    this.agents.clear();
  }
}
