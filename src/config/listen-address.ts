/** `host:port` as `server.listen` and `--listen` write it; an IPv6 host is bracketed so its colons stay apart. */
export interface ListenAddress {
  host: string;
  port: number;
}

/** Parses `host:port`; throws a RangeError whose message says what is wrong. */
export function parseListenAddress(text: string): ListenAddress {
  const match = /^(?:\[([^\]]+)\]|([^:[\]\s]+)):(\d+)$/.exec(text);
  if (!match) {
    throw new RangeError(`"${text}" is not host:port (e.g. 127.0.0.1:9876, or [::1]:9876 for IPv6)`);
  }
  const port = Number(match[3]);
  if (port > 65535) throw new RangeError(`port ${port} in "${text}" is above 65535`);
  return { host: (match[1] ?? match[2])!, port };
}
