/**
 * Octavia's error envelope: every failed API call answers `{"faultcode","faultstring","debuginfo"}`.
 * Handlers throw a Fault; the app's error handler renders it, so no code path writes error bodies by hand.
 */
export type FaultCode = 'Client' | 'Server';

export class Fault extends Error {
  readonly status: number;
  readonly faultcode: FaultCode;

  constructor(status: number, faultstring: string, faultcode: FaultCode = status >= 500 ? 'Server' : 'Client') {
    super(faultstring);
    this.status = status;
    this.faultcode = faultcode;
  }

  get body(): { faultcode: FaultCode; faultstring: string; debuginfo: null } {
    return { faultcode: this.faultcode, faultstring: this.message, debuginfo: null };
  }
}

export const badRequest = (faultstring: string): Fault => new Fault(400, faultstring);
export const forbidden = (faultstring = 'Policy does not allow this request to be performed.'): Fault =>
  new Fault(403, faultstring);
export const notFound = (faultstring: string): Fault => new Fault(404, faultstring);
export const conflict = (faultstring: string): Fault => new Fault(409, faultstring);
export const notImplemented = (faultstring: string): Fault => new Fault(501, faultstring);

/** Octavia's wording for a value that fails validation, shared by every schema check. */
export const invalidInput = (field: string, value: unknown, reason: string): Fault =>
  badRequest(`Invalid input for field/attribute ${field}. Value: '${displayValue(value)}'. ${reason}`);

/** Python's str() of the value, as Octavia's WSME messages show it. */
export function displayValue(value: unknown): string {
  if (value === null || value === undefined) return 'None';
  if (value === true) return 'True';
  if (value === false) return 'False';
  if (typeof value === 'object') return JSON.stringify(value);
  return String(value);
}
