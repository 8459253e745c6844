import type { X509Certificate } from 'node:crypto';
import type { ClientCertificateFacts } from './client-certificate-facts.ts';

const NO_FIELDS: ReadonlyMap<string, string> = new Map();

/** A connection whose client sent no certificate: what HAProxy reports then (verify 0, empty names). */
export const NO_CLIENT_CERTIFICATE: ClientCertificateFacts = Object.freeze({
  presented: false,
  verifyResult: 0,
  subjectFields: NO_FIELDS,
  subjectDn: '',
  issuerDn: '',
  sha1: '',
  notBefore: '',
  notAfter: '',
});

/** The facts of a certificate the client sent, with the verification's OpenSSL result (0: verified). */
export function peerCertificateFacts(certificate: X509Certificate, verifyResult: number): ClientCertificateFacts {
  const subject = nameEntries(certificate.subject);
  const subjectFields = new Map<string, string>();
  for (const [key, value] of subject) if (!subjectFields.has(key)) subjectFields.set(key, value);
  return {
    presented: true,
    verifyResult,
    subjectFields,
    subjectDn: oneLine(subject),
    issuerDn: oneLine(nameEntries(certificate.issuer)),
    sha1: certificate.fingerprint.replaceAll(':', ''),
    notBefore: asn1Time(certificate.validFrom),
    notAfter: asn1Time(certificate.validTo),
  };
}

/**
 * Node prints a name one `short=value` per line, in the certificate's order, RFC 2253 specials escaped with a
 * backslash; the values are taken back unescaped, as the certificate holds them.
 */
function nameEntries(text: string): [string, string][] {
  const entries: [string, string][] = [];
  for (const line of text.split('\n')) {
    const equals = line.indexOf('=');
    if (equals > 0) entries.push([line.slice(0, equals), line.slice(equals + 1).replace(/\\([,+"\\<>;#= ])/g, '$1')]);
  }
  return entries;
}

/** OpenSSL's one-line form, as HAProxy prints names: `/C=FR/O=Example/CN=client`. */
function oneLine(entries: readonly [string, string][]): string {
  let text = '';
  for (const [key, value] of entries) text += `/${key}=${value}`;
  return text;
}

/**
 * An ASN.1 time as the certificate carries it, which HAProxy prints as it is: UTCTime (`YYMMDDhhmmssZ`) until 2049,
 * GeneralizedTime (`YYYYMMDDhhmmssZ`) from 2050, as RFC 5280 requires of issuers.
 */
function asn1Time(nodeDate: string): string {
  const date = new Date(nodeDate);
  const two = (n: number) => String(n).padStart(2, '0');
  const year = date.getUTCFullYear();
  const prefix = year < 2050 ? two(year % 100) : String(year);
  return `${prefix}${two(date.getUTCMonth() + 1)}${two(date.getUTCDate())}${two(date.getUTCHours())}${two(date.getUTCMinutes())}${two(date.getUTCSeconds())}Z`;
}
