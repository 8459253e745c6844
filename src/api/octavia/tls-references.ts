import { certificatesPem, UnreadablePkcs12 } from '../../key-manager/key-material.ts';
import { revocationListPem } from '../../key-manager/revocation-list.ts';
import type { SecretVault } from '../../key-manager/secret-vault.ts';
import type { StoredObject, StoreReader } from '../../store/state-store.ts';
import { badRequest } from '../faults.ts';

/**
 * Octavia reads every reference of a listener or pool when it is created or updated and refuses what it cannot
 * use, with its own wording: the certificates must be readable key pairs of the object's project, the CA a PEM
 * certificate, the CRL a PEM revocation list signed by that CA.
 */
export async function checkTlsReferences(
  reader: StoreReader,
  vault: SecretVault,
  object: StoredObject,
  refs: { certificates: unknown[]; ca: unknown; crl: unknown },
  /** Octavia's refusal of a CRL without a CA, which names the CA as the listener or the pool uses it. */
  crlWithoutCa: string,
): Promise<void> {
  if (typeof refs.crl === 'string' && typeof refs.ca !== 'string')
    throw badRequest(`Validation failure: ${crlWithoutCa}`);
  const projectId = String(object.project_id);
  const certificates = refs.certificates.filter((ref): ref is string => typeof ref === 'string');
  const unreadable: string[] = [];
  for (const ref of certificates) {
    try {
      await vault.keyPair(reader, projectId, ref);
    } catch (error) {
      if (error instanceof UnreadablePkcs12) {
        throw badRequest(
          'The PKCS12 bundle is unreadable. Please check the PKCS12 bundle validity. In addition, make sure it ' +
            `does not require a pass phrase. Error: ${error.message}`,
        );
      }
      unreadable.push(ref);
    }
  }
  if (unreadable.length > 0) throw retrievalFailure(unreadable);
  if (typeof refs.ca === 'string') await checkCaAndCrl(reader, vault, projectId, refs.ca, refs.crl);
}

async function checkCaAndCrl(
  reader: StoreReader,
  vault: SecretVault,
  projectId: string,
  caRef: string,
  crlRef: unknown,
): Promise<void> {
  const read = (ref: string) => vault.text(reader, projectId, ref).catch(() => undefined);
  const caText = await read(caRef);
  const crlText = typeof crlRef === 'string' ? await read(crlRef) : null;
  const unreadable = [caText === undefined ? caRef : null, crlText === undefined ? crlRef : null];
  if (unreadable.some((ref) => ref !== null)) throw retrievalFailure(unreadable.filter((r) => r !== null) as string[]);
  let caPem: string;
  try {
    caPem = certificatesPem(caText!, 'client CA');
  } catch (error) {
    throw badRequest(
      'Validation failure: The client authentication CA certificate is invalid. It must be a valid x509 PEM format ' +
        `certificate. Error: ${(error as Error).message}`,
    );
  }
  if (typeof crlText !== 'string') return;
  try {
    revocationListPem(crlText, caPem);
  } catch (error) {
    const message = (error as Error).message;
    throw badRequest(
      message.includes('not signed')
        ? 'Validation failure: The CRL specified is not valid for client certificate authority reference supplied.'
        : 'Validation failure: The client authentication certificate revocation list is invalid. It must be a ' +
            `valid x509 PEM format certificate revocation list. Error: ${message}`,
    );
  }
}

/** Octavia's CertificateRetrievalException, which prints the references as a Python list. */
const retrievalFailure = (refs: string[]) =>
  badRequest(`Could not retrieve certificate: [${refs.map((ref) => `'${ref}'`).join(', ')}]`);
