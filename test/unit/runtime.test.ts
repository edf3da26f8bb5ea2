import { describe, expect, it } from 'vitest';
import { checkRuntime, RuntimeVersionError } from '../../local/runtime.ts';
import { whyItCouldNotStart } from '../../local/startup.ts';
import { TemplateModel } from '../../local/template.ts';
import { sharedTemplate } from '../support/cloud.ts';

describe('the Node.js the local cloud runs its functions on', () => {
  const functions = new TemplateModel(sharedTemplate()).functions;

  it('is the runtime the synthesized template declares for them', () => {
    expect(new Set(functions.map((fn) => fn.runtime))).toEqual(new Set(['nodejs22.x']));
  });

  it('refuses an older Node.js with a message naming both versions and the way out', () => {
    expect(() => checkRuntime(functions, '22.0.0')).not.toThrow();
    expect(() => checkRuntime(functions, '24.1.0')).not.toThrow();
    let refused: unknown;
    try {
      checkRuntime(functions, '20.20.2');
    } catch (error) {
      refused = error;
    }
    expect(refused).toBeInstanceOf(RuntimeVersionError);
    const said = whyItCouldNotStart(refused, '/data');
    expect(said).toContain('Node.js 22 or later');
    expect(said).toContain('this is Node.js 20.20.2');
    expect(said).toContain('npm start');
    // A version problem is not damaged data: no offer to reset it.
    expect(said).not.toContain('--reset');
  });
});
