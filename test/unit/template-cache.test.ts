import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { cachedTemplate, TEMPLATE_CACHE_FILE, templateSourcesHash } from '../../local/template.ts';

describe('the template cache of a data directory', () => {
  it('serves the template it synthesized while the sources hash the same, and synthesizes again once they do not', async () => {
    const dataDir = mkdtempSync(path.join(tmpdir(), 'fairfix-template-cache-'));
    const file = path.join(dataDir, TEMPLATE_CACHE_FILE);
    const first = await cachedTemplate(dataDir);
    // Mark the cached copy: a start that serves it is seen to have skipped synthesis.
    const cached = JSON.parse(readFileSync(file, 'utf8'));
    cached.template.Resources.Marker = { Type: 'Test::Marker' };
    writeFileSync(file, JSON.stringify(cached));
    const second = await cachedTemplate(dataDir);
    writeFileSync(file, JSON.stringify({ ...cached, sources: 'sources as they were before an edit' }));
    const third = await cachedTemplate(dataDir);

    expect(cached.sources).toBe(templateSourcesHash());
    expect(second.Resources.Marker).toEqual({ Type: 'Test::Marker' });
    expect(third.Resources.Marker).toBeUndefined();
    expect(third).toEqual(first);
  }, 120_000);
});
