/** What every DNS message starts with (RFC 1035 section 4.1.1): its fixed-size header and the rcodes it carries. */

/** The header's size: the question starts right after it, at the offset compression pointers name. */
export const HEADER_BYTES = 12;

/** Response codes by name, as the header's low four bits carry them. */
export const RCODES = { NOERROR: 0, FORMERR: 1, SERVFAIL: 2, NXDOMAIN: 3, NOTIMP: 4, REFUSED: 5 } as const;
