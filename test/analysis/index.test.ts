import { describe, expect, it } from 'vitest';
import * as analysis from '../../analysis/index.js';

describe('the analysis entry point', () => {
  it('exports the functions the server calls', () => {
    for (const name of [
      'daysBetween',
      'isIsoDate',
      'aggregatePlotValues',
      'tQuantile',
      'tCdf',
      'twoSidedP',
      'compareUnpaired',
      'comparePaired',
      'compareAcrossSites',
      'writeHeadline',
      'buildComparisons',
      'summarizeTraining',
    ]) {
      expect(analysis, name).toHaveProperty(name, expect.any(Function));
    }
    expect(analysis.FLAGS).toContain('noControlArm');
  });
});
