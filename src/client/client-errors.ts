/**
 * What can go wrong talking to weir, each with the message a user reads: the CLI prints `message` and exits non-zero.
 */

/** The API answered with an error: Octavia's `faultstring` and the HTTP status. */
export class ApiError extends Error {
  constructor(
    readonly status: number,
    readonly faultstring: string,
  ) {
    super(`${faultstring} (HTTP ${status})`);
  }
}

/** Nothing answered at an endpoint (refused, unknown host, timed out): `service` says whose it is. */
export class EndpointUnreachable extends Error {
  constructor(service: string, endpoint: string, reason: string, hint = '') {
    super(`cannot reach ${service} at ${endpoint}: ${reason}${hint}`);
  }
}

/** A problem found on this side: a name that matches nothing or several objects, a wait that ended in ERROR. */
export class ClientError extends Error {}
