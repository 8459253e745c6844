/**
 * A character Octavia refuses in redirect_url and redirect_prefix (validate.url's INVALID_URL_CHARS_RE): controls,
 * space, DEL and the C1 controls, U+0000 to U+0020 and U+007F to U+009F. A Location holding one could end its header
 * line, or its answer's head.
 */
export const INVALID_URL_CHAR = /[^\x21-\x7e\xa0-\uffff]/;
