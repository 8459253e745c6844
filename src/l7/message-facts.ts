import type { IncomingMessage } from 'node:http';
import type { ClientCertificateFacts } from '../protocols/tls/client-certificate-facts.ts';
import type { RequestFacts } from './request-facts.ts';

/**
 * A request as Node's parsers read it (the general path, and the HTTP/2 fast path with its fields in HTTP/1.1 form),
 * as L7 rules read it.
 */
export class MessageFacts implements RequestFacts {
  readonly target: string;

  constructor(
    private readonly request: Pick<IncomingMessage, 'url' | 'rawHeaders'>,
    private readonly certificate: ClientCertificateFacts | null = null,
  ) {
    this.target = request.url ?? '';
  }

  anyField(name: string, test: (value: string) => boolean): boolean {
    const raw = this.request.rawHeaders;
    for (let i = 0; i < raw.length; i += 2) {
      if (raw[i]!.length === name.length && raw[i]!.toLowerCase() === name && test(raw[i + 1]!)) return true;
    }
    return false;
  }

  clientCertificate(): ClientCertificateFacts | null {
    return this.certificate;
  }
}
