/** HTTP reason phrases, which Barbican puts in `title`. */
const TITLES: Record<number, string> = {
  400: 'Bad Request',
  403: 'Forbidden',
  404: 'Not Found',
  405: 'Method Not Allowed',
  406: 'Not Acceptable',
  409: 'Conflict',
  415: 'Unsupported Media Type',
};

/**
 * Barbican's error envelope, `{"code","title","description"}`, which barbicanclient prints as `title: description`.
 * The key manager's handlers throw it; the app's error handler renders it.
 */
export class BarbicanFault extends Error {
  constructor(
    readonly status: number,
    description: string,
  ) {
    super(description);
  }

  get body(): { code: number; title: string; description: string } {
    return { code: this.status, title: TITLES[this.status] ?? 'Error', description: this.message };
  }
}

/** Barbican's wording for a refused request: `<operation> issue seen - <reason>.` */
export const issue = (status: number, operation: string, reason: string): BarbicanFault =>
  new BarbicanFault(status, `${operation} issue seen - ${reason}.`);

export const secretNotFound = (): BarbicanFault => new BarbicanFault(404, 'Secret not found.');
export const containerNotFound = (): BarbicanFault => new BarbicanFault(404, 'Container not found.');
