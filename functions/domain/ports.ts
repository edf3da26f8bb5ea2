import type { Case } from './case.ts';

/** The case store as the domain sees it. */
export interface CaseRepository {
  get(brand: string, caseId: string): Promise<Case | undefined>;
  /** Stores a new case; false when a case with that id already exists (an idempotent replay). */
  create(kase: Case): Promise<boolean>;
  /** Replaces the case if nobody changed it since `expectedVersion`; returns it with the next version. */
  save(kase: Case, expectedVersion: number): Promise<Case>;
}

/** The case workflow as the domain sees it. */
export interface Workflow {
  /** Starts the case's execution; starting it again with the same input is a no-op. */
  start(caseId: string, input: object): Promise<void>;
  /** Resumes the step waiting on `token`; false when that wait is over (timed out, stopped). */
  resume(token: string, output: object): Promise<boolean>;
}
