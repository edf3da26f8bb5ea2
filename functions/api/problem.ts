import type { z } from 'zod';

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

/** Every issue zod found, at once, each with a pointer to the field it concerns. */
export function fieldErrors(error: z.ZodError, root: string): FieldError[] {
  return error.issues.map((issue) => ({
    pointer: `${root}${issue.path.map((part) => `/${String(part).replaceAll('~', '~0').replaceAll('/', '~1')}`).join('')}`,
    // zod says "expected string, received undefined" for a field that is simply missing.
    detail: /received undefined$/.test(issue.message) ? 'This field is required.' : issue.message,
  }));
}
