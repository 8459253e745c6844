/**
 * A config with weir's DNS server on loopback, authoritative for lb.example.org, its answers capped at a 30 s TTL
 * (and whatever else of `dns.answers` a test sets). Port 0: the OS picks a free port, the same for UDP and TCP, and
 * weir logs it.
 */
export const dnsOnLoopback = (answers: Record<string, number> = {}) => `dns:
  listen: [127.0.0.1:0]
  zones:
    - name: lb.example.org
      nameservers: [ns.example.net]
      hostmaster: hostmaster.example.org
  answers:
${Object.entries({ max_ttl: 30, ...answers })
  .map(([key, value]) => `    ${key}: ${value}\n`)
  .join('')}`;
