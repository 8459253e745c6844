import type { X509Certificate } from 'node:crypto';

/** Signature algorithms by OID, named as OpenSSL's long names (what HAProxy's cert-sig sends). */
const SIGNATURE_NAMES: Readonly<Record<string, string>> = {
  '1.2.840.10045.4.3.2': 'ecdsa-with-SHA256',
  '1.2.840.10045.4.3.3': 'ecdsa-with-SHA384',
  '1.2.840.10045.4.3.4': 'ecdsa-with-SHA512',
  '1.2.840.113549.1.1.5': 'sha1WithRSAEncryption',
  '1.2.840.113549.1.1.10': 'rsassaPss',
  '1.2.840.113549.1.1.11': 'sha256WithRSAEncryption',
  '1.2.840.113549.1.1.12': 'sha384WithRSAEncryption',
  '1.2.840.113549.1.1.13': 'sha512WithRSAEncryption',
  '1.3.101.112': 'ED25519',
  '1.3.101.113': 'ED448',
};

/**
 * How a certificate is signed and what key it holds, as HAProxy names them in the PROXY v2 SSL TLV (SIG_ALG:
 * `ecdsa-with-SHA256`; KEY_ALG: `RSA2048`, `EC256`).
 */
export function certificateAlgorithms(certificate: X509Certificate): { signature: string; key: string } {
  const oid = signatureOid(certificate.raw);
  const { asymmetricKeyType: type, asymmetricKeyDetails: details } = certificate.publicKey;
  let key = (type ?? 'unknown').toUpperCase();
  if (details?.modulusLength) key += details.modulusLength;
  else if (details?.namedCurve) key += CURVE_BITS[details.namedCurve] ?? '';
  return { signature: (oid && SIGNATURE_NAMES[oid]) ?? oid ?? 'unknown', key };
}

const CURVE_BITS: Readonly<Record<string, number>> = { prime256v1: 256, secp384r1: 384, secp521r1: 521 };

/** The signatureAlgorithm OID of a DER certificate: SEQUENCE { tbsCertificate, AlgorithmIdentifier, ... }. */
function signatureOid(der: Buffer): string | null {
  const outer = header(der, 0);
  if (!outer) return null;
  const tbs = header(der, outer.body);
  if (!tbs) return null;
  const algorithm = header(der, tbs.body + tbs.length);
  if (!algorithm) return null;
  const oid = header(der, algorithm.body);
  if (!oid || der[algorithm.body] !== 0x06) return null;
  return oidText(der.subarray(oid.body, oid.body + oid.length));
}

/** A DER element's header at `at`: where its content starts and how long it is. */
function header(der: Buffer, at: number): { body: number; length: number } | null {
  if (at + 2 > der.length) return null;
  const first = der[at + 1]!;
  if (first < 0x80) return { body: at + 2, length: first };
  const count = first & 0x7f;
  if (count > 4 || at + 2 + count > der.length) return null;
  let length = 0;
  for (let i = 0; i < count; i++) length = length * 256 + der[at + 2 + i]!;
  return { body: at + 2 + count, length };
}

function oidText(bytes: Buffer): string {
  const parts = [Math.floor(bytes[0]! / 40), bytes[0]! % 40];
  let value = 0;
  for (let i = 1; i < bytes.length; i++) {
    value = value * 128 + (bytes[i]! & 0x7f);
    if ((bytes[i]! & 0x80) === 0) {
      parts.push(value);
      value = 0;
    }
  }
  return parts.join('.');
}
