/** Domain errors: values a caller can act on. The HTTP edge maps each to an RFC 9457 problem. */
export class DomainError extends Error {
  constructor(
    message: string,
    readonly status: number,
    readonly type: string,
    /** A short, human summary of the kind of problem (the RFC 9457 title). */
    readonly title: string,
    /** Field errors, each with a JSON pointer into the request. */
    readonly errors?: { pointer: string; detail: string }[],
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

export class NotFoundError extends DomainError {
  constructor(what: string) {
    super(`No ${what} exists for this brand.`, 404, 'not-found', 'Not found');
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

/** Fields the request left out that nothing on file can supply. */
export class MissingFieldsError extends DomainError {
  constructor(errors: { pointer: string; detail: string }[]) {
    super(
      `${errors.length} field(s) need attention; nothing was saved.`,
      400,
      'validation',
      'Your request has errors',
      errors,
    );
  }
}

/** No model of the range can replace the device like-for-like or better; a person must decide. */
export class ReplacementUnavailableError extends DomainError {
  constructor(model: string, known = true) {
    super(
      known
        ? `No ${model} or better model is in stock to replace the device.`
        : `The brand’s range has no model ${model}, so none can replace it like-for-like or better.`,
      409,
      'replacement-unavailable',
      'No replacement available',
    );
  }
}

/** A request that conflicts with the case as it is (no such decision to supersede, say); nothing changed. */
export class ConflictError extends DomainError {
  constructor(message: string, title = 'Conflicts with the case') {
    super(message, 409, 'conflict', title);
  }
}

/** A value valid in form that the brand's own rules do not know (a reason code not in its catalogue). */
export class InvalidFieldError extends DomainError {
  constructor(pointer: string, detail: string) {
    super('1 field(s) need attention; nothing was saved.', 400, 'validation', 'Your request has errors', [
      { pointer, detail },
    ]);
  }
}

/** Values valid in form that the case or the brand's rules refuse, every one at once (P9); nothing changed. */
export class InvalidFieldsError extends MissingFieldsError {}

/**
 * The carrier's label service did not answer. The workflow retries the step, then hands the case to a
 * person (P7): an outage must never leave a case stuck unseen.
 */
export class CarrierUnavailableError extends DomainError {
  constructor(carrier: string) {
    super(
      `The carrier ${carrier} did not answer our request for a label.`,
      503,
      'carrier-unavailable',
      'The carrier is unavailable',
    );
  }
}

/** The caller's role may call the route, but not do this (a customer reporting a technician's work). */
export class ForbiddenError extends DomainError {
  constructor(message: string) {
    super(message, 403, 'forbidden', 'Forbidden');
  }
}

/** The brand's policy lacks something a rule needs (a reason code, say): the brand's to fix, not the caller's. */
export class PolicyIncompleteError extends DomainError {
  constructor(message: string) {
    super(message, 500, 'policy-incomplete', 'The brand’s policy is incomplete');
  }
}

/** A rule of the code itself does not hold (a bug, not a caller's mistake): loud, never silent. */
export class InvariantError extends DomainError {
  constructor(message: string) {
    super(message, 500, 'invariant', 'An internal rule was broken');
  }
}

/** A caller sent an Idempotency-Key again with another request: the first request's case stands. */
export class IdempotencyKeyReusedError extends DomainError {
  constructor(key: string) {
    super(
      `Idempotency-Key ${key} was already used for another request; nothing was opened. Send a new key for a new case, or the same request to retry.`,
      422,
      'idempotency-key-reused',
      'Idempotency-Key reused for a different request',
    );
  }
}

/** A sender reused an event id for a different event: nothing changed (the first event stands). */
export class EventIdReusedError extends DomainError {
  constructor(sender: string, eventId: string) {
    super(
      `${sender} already sent an event with id ${eventId}, with other content; nothing changed. Send a new event with a new id.`,
      422,
      'event-id-reused',
      'Event id reused for a different event',
    );
  }
}

/** No policy is on file for the brand: it does not exist yet (an admin creates it with PUT /brand/policy). */
export class UnknownBrandError extends DomainError {
  constructor(brand: string) {
    super(
      `No brand "${brand}" is set up: an admin creates it by sending its policy (PUT /brand/policy with If-None-Match: *).`,
      404,
      'unknown-brand',
      'Unknown brand',
    );
  }
}

/** A change to a versioned document must say which version it changes (If-Match), or that it creates one. */
export class PreconditionRequiredError extends DomainError {
  constructor(message: string) {
    super(message, 428, 'precondition-required', 'Say which version you change');
  }
}

/** The version the change was made against is no longer the current one: someone else saved first. */
export class PreconditionFailedError extends DomainError {
  constructor(message: string) {
    super(message, 412, 'precondition-failed', 'The document changed meanwhile');
  }
}
