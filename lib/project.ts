import path from 'node:path';

// Facts about the project that the local cloud needs without importing the CDK (seconds of every start).

/** The repository root: entries are given relative to it so the template can name them portably. */
export const PROJECT_ROOT = path.resolve(import.meta.dirname, '..');

/**
 * The key under which each function's template resource records its source entry. The local cloud
 * reads it to run the very same handler module in-process, instead of the bundle AWS receives.
 */
export const ENTRY_METADATA_KEY = 'fairfix:entry';

/** The stack's id: its name on AWS, and `AWS::StackName` in the local cloud. */
export const STACK_ID = 'Fairfix';
