/** Domain errors: values a caller can act on. The HTTP edge maps each to an RFC 9457 problem. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    /** A short, human summary of the kind of problem (the RFC 9457 title). */
    readonly title: string,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

export class CaseNotFoundError extends DomainError {
  constructor(caseId: string) {
    super(`No case ${caseId} exists for this brand.`, 404, 'case-not-found', 'Case not found');
  }
}

/** An event that makes no sense in the case's current state; it is still recorded on the timeline. */
export class EventNotApplicableError extends DomainError {
  constructor(message: string) {
    super(message, 409, 'event-not-applicable', 'Event does not apply to this case now');
  }
}

/** Someone else changed the case between our read and our write; the caller may simply retry. */
export class ConcurrentUpdateError extends DomainError {
  constructor(caseId: string) {
    super(
      `Case ${caseId} changed while this request was processed; retry it.`,
      409,
      'concurrent-update',
      'Case changed meanwhile',
    );
  }
}
