import type { RequestHead } from '../protocols/http/request-head.ts';
import type { ClientCertificateFacts } from '../protocols/tls/client-certificate-facts.ts';
import type { RequestFacts } from './request-facts.ts';

/** A request head the fast path parsed, as L7 rules read it. */
export class HeadFacts implements RequestFacts {
  readonly target: string;

  constructor(
    private readonly head: RequestHead,
    private readonly certificate: ClientCertificateFacts | null = null,
  ) {
    this.target = head.target;
  }

  anyField(name: string, test: (value: string) => boolean): boolean {
    for (const field of this.head.fields) if (field.name === name && test(field.value)) return true;
    return false;
  }

  clientCertificate(): ClientCertificateFacts | null {
    return this.certificate;
  }
}
