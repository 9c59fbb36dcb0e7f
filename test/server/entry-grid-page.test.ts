import { describe, expect, it } from 'vitest';
import { gridSegments } from '../../server/observations/entry-grid.service.js';

/** A page of a large trial's grid as runs of one site and arm, found from the plots per site and arm. */
describe('gridSegments', () => {
  const counts = [
    { siteId: 1, armId: 10, plots: 50 },
    { siteId: 1, armId: 11, plots: 30 },
    { siteId: 2, armId: 10, plots: 0 },
    { siteId: 2, armId: 11, plots: 120 },
  ];

  it('takes the first page from the first runs', () => {
    expect(gridSegments(counts, 0, 100)).toEqual([
      { siteId: 1, armId: 10, offset: 0, limit: 50 },
      { siteId: 1, armId: 11, offset: 0, limit: 30 },
      { siteId: 2, armId: 11, offset: 0, limit: 20 },
    ]);
  });

  it('starts a later page inside a run and skips empty runs', () => {
    expect(gridSegments(counts, 60, 30)).toEqual([
      { siteId: 1, armId: 11, offset: 10, limit: 20 },
      { siteId: 2, armId: 11, offset: 0, limit: 10 },
    ]);
    expect(gridSegments(counts, 100, 100)).toEqual([{ siteId: 2, armId: 11, offset: 20, limit: 100 }]);
  });

  it('stops at the last plot and gives nothing past it', () => {
    expect(gridSegments(counts, 150, 100)).toEqual([{ siteId: 2, armId: 11, offset: 70, limit: 50 }]);
    expect(gridSegments(counts, 200, 100)).toEqual([]);
  });
});
