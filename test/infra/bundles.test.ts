import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLE_BUDGET_BYTES, type SynthesizedBundles, synthesizeBundles } from '../../bench/bundles.ts';
import { ENTRY_METADATA_KEY } from '../../lib/project.ts';
import { sharedTemplate } from '../support/cloud.ts';

// Sizes only: an import time depends on the machine and is printed by `npm run bench`, never asserted.
describe('the Lambda bundles cdk synth writes', () => {
  let synthesized: SynthesizedBundles;
  // Bundling every function (and installing pdfkit beside the ones that print) takes a minute or more.
  beforeAll(() => {
    synthesized = synthesizeBundles();
  }, 300_000);
  afterAll(() => synthesized?.dispose());

  it('bundles every function of the template', () => {
    const functions = Object.values(sharedTemplate().Resources).filter(
      (resource) => resource.Type === 'AWS::Lambda::Function' && resource.Metadata?.[ENTRY_METADATA_KEY],
    );
    const entries = functions.map((fn) => String(fn.Metadata?.[ENTRY_METADATA_KEY]));
    // `cdk synth` with no issuer given adds the Cognito pool's claims trigger; the local cloud is its own issuer.
    expect(synthesized.bundles.map((bundle) => bundle.entry).sort()).toEqual(
      [...entries, 'functions/sign-in-claims/handler.ts'].sort(),
    );
  });

  it('keeps each bundle within 250 KB, so that no function ships what only the printing ones need', () => {
    const over = synthesized.bundles
      .filter((bundle) => bundle.bytes > BUNDLE_BUDGET_BYTES)
      .map((bundle) => `${bundle.entry}: ${bundle.bytes} bytes`);
    expect(over).toEqual([]);
  });
});
