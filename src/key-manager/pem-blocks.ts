/** One `-----BEGIN X-----` ... `-----END X-----` block of a PEM text, its label and the whole block. */
export interface PemBlock {
  label: string;
  pem: string;
}

const BLOCK = /-----BEGIN ([A-Z0-9 ]+)-----\r?\n[\s\S]*?-----END \1-----/g;

export function pemBlocks(text: string): PemBlock[] {
  return [...text.matchAll(BLOCK)].map((match) => ({ label: match[1]!, pem: `${match[0]}\n` }));
}

/** Whether a payload is PEM text rather than DER (PKCS#12, say). */
export function looksLikePem(bytes: Uint8Array): boolean {
  return Buffer.from(bytes.subarray(0, 64)).toString('latin1').trimStart().startsWith('-----BEGIN ');
}
