import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { synthesizeTemplate } from '../../local/template.ts';

declare module 'vitest' {
  export interface ProvidedContext {
    templatePath: string;
  }
}

export default async function setup(project: TestProject) {
  const file = path.join(mkdtempSync(path.join(tmpdir(), 'fairfix-test-')), 'template.json');
  writeFileSync(file, JSON.stringify(await synthesizeTemplate()));
  project.provide('templatePath', file);
}
