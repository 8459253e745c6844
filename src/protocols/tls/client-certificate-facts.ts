/**
 * What a TLS-terminating listener learned about its client's certificate during the handshake, once per connection:
 * what the SSL_* L7 rules, the X-SSL-* headers and the PROXY v2 SSL TLVs read.
 */
export interface ClientCertificateFacts {
  /** The client sent a certificate (HAProxy's `ssl_c_used`). */
  readonly presented: boolean;
  /** 0 when it verified, else OpenSSL's X509_V_ERR_* code (HAProxy's `ssl_c_verify`). */
  readonly verifyResult: number;
  /** The subject's distinguished-name fields by their short names (CN, O, OU, ...), the first value of each. */
  readonly subjectFields: ReadonlyMap<string, string>;
  /** The subject and issuer names as HAProxy's `ssl_c_s_dn` and `ssl_c_i_dn` print them: `/CN=a/O=b`; '' without. */
  readonly subjectDn: string;
  readonly issuerDn: string;
  /** SHA-1 of the certificate, upper-case hex (HAProxy's `ssl_c_sha1,hex`); '' without. */
  readonly sha1: string;
  /** Validity as HAProxy's `ssl_c_notbefore` and `ssl_c_notafter` print it: ASN.1 time, `YYMMDDhhmmssZ`; '' without. */
  readonly notBefore: string;
  readonly notAfter: string;
}
