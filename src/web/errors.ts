/** An error that knows what to tell the person: a status, a short title and a plain explanation. */
export class HttpError extends Error {
  constructor(
    readonly status: number,
    readonly title: string,
    readonly detail: string,
    /** A stable machine-readable code for logs and JSON clients. */
    readonly code: string = `http_${status}`,
  ) {
    super(`${title}: ${detail}`);
  }

  /** What a refusal refused, for the audit log (src/web/app.ts writes the row). */
  denial?: Denial;

  denying(denial: Denial): this {
    this.denial = denial;
    return this;
  }
}

/** A refused attempt: which policy (or `student` for a student the user may not open), what, and whose record. */
export interface Denial {
  subject: string;
  attempt: string;
  studentId?: string;
}

export const notFound = (detail = 'There is nothing at this address.') => new HttpError(404, 'Not found', detail, 'not_found');
export const forbidden = (detail = 'Your role does not allow this.') => new HttpError(403, 'Not allowed', detail, 'forbidden');
export const unauthorized = (detail = 'Open the tool from your course in the LMS to sign in.') =>
  new HttpError(401, 'Please launch from your LMS', detail, 'unauthorized');
export const badRequest = (detail: string, code = 'bad_request') => new HttpError(400, 'Something is wrong with the request', detail, code);
export const conflict = (detail: string, code = 'conflict') => new HttpError(409, 'Changed by someone else', detail, code);
