import type { IncomingMessage } from 'node:http';
import type { ClientCertificateFacts } from '../protocols/tls/client-certificate-facts.ts';
import type { RequestFacts } from './request-facts.ts';

/** A request Node's parser read (the general path), as L7 rules read it. */
export class MessageFacts implements RequestFacts {
  readonly target: string;

  constructor(
    private readonly request: IncomingMessage,
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
