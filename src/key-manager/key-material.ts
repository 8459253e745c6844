import { createPrivateKey, type KeyObject, X509Certificate } from 'node:crypto';
import forge from 'node-forge';
import type { TlsKeyPair } from '../model/load-balancer-spec.ts';
import { pemBlocks } from './pem-blocks.ts';

/** Key material that cannot be used: unreadable, or a key that does not belong to its certificate. */
export class UnusableKeyMaterial extends Error {
  override readonly name = 'UnusableKeyMaterial';
}

/** A PKCS#12 bundle that cannot be opened without a passphrase, or at all: Octavia refuses both the same way. */
export class UnreadablePkcs12 extends UnusableKeyMaterial {}

/** The parts of a certificate container, as PEM text. */
export interface CertificateParts {
  certificate: string;
  privateKey: string;
  intermediates?: string;
  passphrase?: string;
}

/**
 * A certificate container's parts as the key pair a data plane loads: the leaf, then the intermediates, and the
 * private key decrypted to PKCS#8 PEM. The key must be the certificate's; expiry is not checked (Octavia accepts
 * expired certificates too, and a renewal replaces them).
 */
export function keyPairFromParts(parts: CertificateParts): TlsKeyPair {
  const leaf = onlyCertificate(parts.certificate, 'certificate');
  const intermediates = parts.intermediates ? certificates(parts.intermediates, 'intermediates') : [];
  let key: KeyObject;
  try {
    key = createPrivateKey({ key: parts.privateKey, format: 'pem', passphrase: parts.passphrase });
  } catch (error) {
    throw new UnusableKeyMaterial(`the private key cannot be read: ${reason(error)}`);
  }
  return keyPair(leaf, intermediates, key);
}

/**
 * A secret's payload holding a whole key pair: PEM with the certificate, any intermediates and the key, or
 * PKCS#12 without a passphrase, as Octavia's cookbook stores it (`openssl pkcs12 -export -passout pass:`).
 */
export function keyPairFromBundle(payload: Uint8Array): TlsKeyPair {
  const text = Buffer.from(payload).toString('latin1');
  if (text.trimStart().startsWith('-----BEGIN ')) {
    const blocks = pemBlocks(text);
    const keys = blocks.filter((b) => b.label.endsWith('PRIVATE KEY'));
    const certs = blocks.filter((b) => b.label === 'CERTIFICATE');
    if (keys.length !== 1 || certs.length === 0) {
      throw new UnusableKeyMaterial('a PEM bundle must hold one private key and its certificate');
    }
    return keyPairFromParts({
      certificate: certs[0]!.pem,
      intermediates: certs
        .slice(1)
        .map((c) => c.pem)
        .join(''),
      privateKey: keys[0]!.pem,
    });
  }
  return keyPairFromPkcs12(payload);
}

function keyPairFromPkcs12(der: Uint8Array): TlsKeyPair {
  let bundle: forge.pkcs12.Pkcs12Pfx;
  try {
    const asn1 = forge.asn1.fromDer(forge.util.createBuffer(Buffer.from(der).toString('binary')));
    bundle = forge.pkcs12.pkcs12FromAsn1(asn1, '');
  } catch (error) {
    throw new UnreadablePkcs12(reason(error));
  }
  const bags = (type: string) => bundle.getBags({ bagType: type })[type] ?? [];
  const keyBags = [...bags(forge.pki.oids.pkcs8ShroudedKeyBag!), ...bags(forge.pki.oids.keyBag!)];
  if (keyBags.length !== 1) throw new UnreadablePkcs12(`it holds ${keyBags.length} private keys, not one`);
  const certs = bags(forge.pki.oids.certBag!).map(
    // forge decodes RSA only: an EC certificate or key is kept as ASN.1, which node:crypto reads from its DER.
    (bag) => new X509Certificate(derOf(bag.cert ? forge.pki.certificateToAsn1(bag.cert) : bag.asn1)),
  );
  const keyBag = keyBags[0]!;
  const keyDer = derOf(keyBag.key ? forge.pki.wrapRsaPrivateKey(forge.pki.privateKeyToAsn1(keyBag.key)) : keyBag.asn1);
  const key = createPrivateKey({ key: keyDer, format: 'der', type: 'pkcs8' });
  const leaf = certs.find((cert) => cert.checkPrivateKey(key));
  if (!leaf) throw new UnusableKeyMaterial('no certificate in the bundle matches its private key');
  return keyPair(
    leaf,
    certs.filter((cert) => cert !== leaf),
    key,
  );
}

/** PEM text of one or more certificates (a CA bundle), each checked to be a certificate; normalised. */
export function certificatesPem(text: string, what: string): string {
  return certificates(text, what)
    .map((cert) => cert.toString())
    .join('');
}

function keyPair(leaf: X509Certificate, intermediates: X509Certificate[], key: KeyObject): TlsKeyPair {
  if (!leaf.checkPrivateKey(key)) throw new UnusableKeyMaterial('the private key does not match the certificate');
  return {
    certificateChainPem: [leaf, ...intermediates].map((cert) => cert.toString()).join(''),
    privateKeyPem: key.export({ format: 'pem', type: 'pkcs8' }).toString(),
  };
}

function certificates(text: string, what: string): X509Certificate[] {
  const blocks = pemBlocks(text).filter((b) => b.label === 'CERTIFICATE');
  if (blocks.length === 0) throw new UnusableKeyMaterial(`${what}: no PEM certificate`);
  return blocks.map((block) => {
    try {
      return new X509Certificate(block.pem);
    } catch (error) {
      throw new UnusableKeyMaterial(`${what}: ${reason(error)}`);
    }
  });
}

function onlyCertificate(text: string, what: string): X509Certificate {
  const certs = certificates(text, what);
  if (certs.length !== 1) throw new UnusableKeyMaterial(`${what}: ${certs.length} certificates, not one`);
  return certs[0]!;
}

function derOf(asn1: forge.asn1.Asn1 | undefined): Buffer {
  if (!asn1) throw new UnreadablePkcs12('a bag holds nothing readable');
  return Buffer.from(forge.asn1.toDer(asn1).getBytes(), 'binary');
}

const reason = (error: unknown): string => (error instanceof Error ? error.message : String(error));
