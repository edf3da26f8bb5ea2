import * as z from 'zod';

/** One field that is wrong, named by a JSON Pointer into the request (RFC 6901). */
export interface FieldError {
  pointer: string;
  detail: string;
}

/** An RFC 9457 problem details document. */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  errors?: FieldError[];
}

/** An RFC 9457 problem as /openapi.json documents it. */
export const ProblemSchema = z.object({
  type: z.string(),
  title: z.string(),
  status: z.number(),
  detail: z.string(),
  errors: z.array(z.object({ pointer: z.string(), detail: z.string() })).optional(),
});

export const PROBLEM_BASE = 'https://fairfix.dev/problems/';

export function problem(
  status: number,
  slug: string,
  title: string,
  detail: string,
  errors?: FieldError[],
): Problem {
  return { type: PROBLEM_BASE + slug, title, status, detail, ...(errors ? { errors } : {}) };
}

/** Every issue zod found, at once, each with a pointer to the field it concerns, in words a person reads. */
export function fieldErrors(error: z.ZodError, root: string): FieldError[] {
  const pointer = (path: readonly PropertyKey[]) =>
    `${root}${path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`;
  // A field the request does not take is named by its own path, as every other field error is.
  return error.issues.flatMap((issue) =>
    issue.code === 'unrecognized_keys'
      ? issue.keys.map((key) => ({
          pointer: pointer([...issue.path, key]),
          detail: 'This field is not taken here: leave it out.',
        }))
      : [{ pointer: pointer(issue.path), detail: plainWords(issue) }],
  );
}

function plainWords(issue: z.core.$ZodIssue): string {
  // zod says "expected string, received undefined" for a field that is simply missing.
  if (/received undefined$/.test(issue.message)) return 'This field is required.';
  // An empty form field comes as "": whatever else zod says of it, it was left empty.
  if (issue.input === '') return 'This field is required.';
  if (issue.code === 'too_small' && issue.origin === 'string') {
    return Number(issue.minimum) <= 1
      ? 'This field is required.'
      : `Give at least ${issue.minimum} characters.`;
  }
  if (issue.code === 'too_big' && issue.origin === 'string')
    return `Give at most ${issue.maximum} characters.`;
  if (issue.code === 'invalid_format' && issue.format === 'email') return 'This is not an email address.';
  if (issue.code === 'invalid_format' && issue.format === 'date') return 'Give a date as YYYY-MM-DD.';
  if (issue.code === 'invalid_format' && issue.format === 'datetime')
    return 'Give a time as ISO 8601 in UTC, e.g. 2026-11-22T10:00:00Z.';
  if (issue.code === 'invalid_value') return `Choose one of: ${issue.values.map(String).join(', ')}.`;
  return issue.message;
}
