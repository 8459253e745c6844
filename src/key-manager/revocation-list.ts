import { verify, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import { UnusableKeyMaterial } from './key-material.ts';
import { pemBlocks } from './pem-blocks.ts';

/** Signature algorithms a CRL may be signed with, by OID, as node:crypto names their digest. */
const SIGNATURE_DIGESTS: Record<string, string> = {
  '1.2.840.113549.1.1.5': 'sha1',
  '1.2.840.113549.1.1.11': 'sha256',
  '1.2.840.113549.1.1.12': 'sha384',
  '1.2.840.113549.1.1.13': 'sha512',
  '1.2.840.10045.4.3.2': 'sha256',
  '1.2.840.10045.4.3.3': 'sha384',
  '1.2.840.10045.4.3.4': 'sha512',
};

/**
 * A PEM certificate revocation list, checked as Octavia checks it: readable, and signed by one of the client CA
 * certificates it goes with. Returns the CRL blocks, normalised.
 */
export function revocationListPem(text: string, caPem: string): string {
  const blocks = pemBlocks(text).filter((b) => b.label === 'X509 CRL');
  if (blocks.length === 0) throw new UnusableKeyMaterial('no PEM X509 CRL');
  const cas = pemBlocks(caPem)
    .filter((b) => b.label === 'CERTIFICATE')
    .map((b) => new X509Certificate(b.pem));
  for (const block of blocks) {
    const { tbs, digest, signature } = parts(block.pem);
    if (!cas.some((ca) => verify(digest, tbs, ca.publicKey, signature))) {
      throw new UnusableKeyMaterial('the CRL is not signed by the client certificate authority');
    }
  }
  return blocks.map((b) => b.pem).join('');
}

/** CertificateList ::= SEQUENCE { tbsCertList, signatureAlgorithm, signatureValue BIT STRING } (RFC 5280). */
function parts(pem: string): { tbs: Buffer; digest: string; signature: Buffer } {
  try {
    const der = forge.pem.decode(pem)[0]!.body;
    const [tbs, algorithm, signature] = fromDerKeepingBitStrings(der).value as forge.asn1.Asn1[];
    const oid = forge.asn1.derToOid((algorithm!.value as forge.asn1.Asn1[])[0]!.value as string);
    const digest = SIGNATURE_DIGESTS[oid];
    if (!digest) throw new Error(`signature algorithm ${oid} is not supported`);
    // A BIT STRING's first content byte counts unused bits: 0 for a signature.
    const bits = Buffer.from(signature!.value as string, 'binary').subarray(1);
    return { tbs: Buffer.from(forge.asn1.toDer(tbs!).getBytes(), 'binary'), digest, signature: bits };
  } catch (error) {
    throw new UnusableKeyMaterial(`the CRL cannot be read: ${(error as Error).message}`);
  }
}

/** forge's fromDer takes an options object its types do not declare: BIT STRINGs kept as bytes, not parsed. */
const fromDerKeepingBitStrings = (der: string): forge.asn1.Asn1 =>
  (forge.asn1.fromDer as unknown as (bytes: string, options: object) => forge.asn1.Asn1)(der, {
    decodeBitStrings: false,
  });
