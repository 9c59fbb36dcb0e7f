import { describe, expect, it } from 'vitest';
import { summarizeTraining, type TrainingFarmer, type TrainingSession } from '../../analysis/training.js';

const farmers: TrainingFarmer[] = [
  { id: 1, gender: 'female', demoHousehold: true, household: 'Aytan family' },
  { id: 2, gender: 'male', demoHousehold: true, household: 'Aytan family' },
  { id: 3, gender: 'male', demoHousehold: true, household: null },
  { id: 4, gender: 'female', demoHousehold: false, household: null },
  { id: 5, gender: null, demoHousehold: true, household: 'Bek family' },
];

let nextId = 0;
function session(partial: Partial<TrainingSession>): TrainingSession {
  return {
    id: ++nextId,
    heldOn: '2017-05-04',
    kind: 'training',
    siteId: 1,
    siteName: 'Tacheng',
    village: null,
    attendance: 10,
    women: 4,
    attendees: [1, 2],
    ...partial,
  };
}

const noTarget = { personTimes: null, demoHouseholds: null };

describe('summarizeTraining', () => {
  it('counts person-times over sessions and unique farmers over rosters', () => {
    const r = summarizeTraining({
      sessions: [session({ attendance: 12, attendees: [1, 2, 3] }), session({ attendance: 8, attendees: [2, 3, 4] })],
      farmers,
      target: noTarget,
    });
    expect(r).toMatchObject({ sessions: 2, personTimes: 20, uniqueFarmers: 4, uniqueWomen: 2, women: 8, sessionsWithoutRoster: 0 });
  });

  it('adds head-count-only sessions to person-times but not to unique farmers, and says how many', () => {
    const r = summarizeTraining({
      sessions: [session({ attendance: 10, attendees: [1] }), session({ attendance: 40, women: 15, attendees: null })],
      farmers,
      target: noTarget,
    });
    expect(r).toMatchObject({ personTimes: 50, uniqueFarmers: 1, women: 19, uniqueWomen: 1, sessionsWithoutRoster: 1 });
  });

  it('counts demonstration households by household, falling back to the farmer', () => {
    const r = summarizeTraining({ sessions: [session({ attendees: [1, 2, 3, 4] })], farmers, target: noTarget });
    // Farmers 1 and 2 share a household; farmer 3 has none recorded; farmer 4 is not a demonstration household.
    expect(r.demoHouseholds).toBe(2);
    expect(r.registeredDemoHouseholds).toBe(3);
  });

  it('sums women only over sessions that counted them, and says some did not', () => {
    const r = summarizeTraining({ sessions: [session({ women: 3 }), session({ women: null })], farmers, target: noTarget });
    expect(r).toMatchObject({ women: 3, sessionsWithoutWomenCount: 1 });
    expect(r.flags).toContain('missingWomenCount');
    const none = summarizeTraining({ sessions: [session({ women: null })], farmers, target: noTarget });
    expect(none.women).toBeNull();
  });

  it('breaks figures down by month, sorted, listing only months with sessions', () => {
    const r = summarizeTraining({
      sessions: [
        session({ heldOn: '2017-07-01', attendance: 5, attendees: [1] }),
        session({ heldOn: '2017-05-31', attendance: 7, attendees: [1] }),
        session({ heldOn: '2017-05-02', attendance: 3, attendees: [2] }),
      ],
      farmers,
      target: noTarget,
    });
    expect(r.byMonth.map((m) => [m.month, m.sessions, m.personTimes, m.uniqueFarmers])).toEqual([
      ['2017-05', 2, 10, 2],
      ['2017-07', 1, 5, 1],
    ]);
  });

  it('breaks figures down by kind and by site, village or neither', () => {
    const r = summarizeTraining({
      sessions: [
        session({ kind: 'field_day', siteId: 2, siteName: 'Hoboksar', attendance: 60 }),
        session({ kind: 'training', siteId: 1, siteName: 'Tacheng', attendance: 20 }),
        session({ kind: 'training', siteId: null, siteName: null, village: 'Ergong', attendance: 15 }),
        session({ kind: 'hands_on', siteId: null, siteName: null, village: null, attendance: 5 }),
        session({ kind: 'training', siteId: 1, siteName: 'Tacheng', attendance: 10 }),
      ],
      farmers,
      target: noTarget,
    });
    expect(r.byKind.map((k) => [k.kind, k.sessions, k.personTimes])).toEqual([
      ['training', 3, 45],
      ['field_day', 1, 60],
      ['hands_on', 1, 5],
    ]);
    expect(r.bySite.map((s) => [s.siteId, s.siteName, s.village, s.sessions, s.personTimes])).toEqual([
      [1, 'Tacheng', null, 2, 30],
      [2, 'Hoboksar', null, 1, 60],
      [null, null, 'Ergong', 1, 15],
      [null, null, null, 1, 5],
    ]);
  });

  it('measures progress against the person-times and demonstration-household targets', () => {
    const r = summarizeTraining({
      sessions: [session({ attendance: 120, attendees: [1, 3, 5] })],
      farmers,
      target: { personTimes: 400, demoHouseholds: 6 },
    });
    expect(r.target).toEqual({ personTimes: 400, progress: 0.3, demoHouseholds: 6, demoHouseholdsProgress: 0.5 });
    expect(r.flags).toEqual([]);
  });

  it('gives no progress, with a flag, when the project has no target', () => {
    const r = summarizeTraining({ sessions: [session({})], farmers, target: { personTimes: null, demoHouseholds: 0 } });
    expect(r.target.progress).toBeNull();
    expect(r.target.demoHouseholdsProgress).toBeNull();
    expect(r.flags).toEqual(['noTarget', 'noDemoHouseholdTarget']);
  });

  it('reports rosters that name unregistered farmers or outnumber the head count', () => {
    const r = summarizeTraining({ sessions: [session({ attendance: 2, attendees: [1, 2, 99] })], farmers, target: noTarget });
    expect(r.uniqueFarmers).toBe(2);
    expect(r.flags).toEqual(expect.arrayContaining(['unknownFarmer', 'rosterLargerThanAttendance']));
  });

  it('counts a farmer once however many sessions and roster lines name them', () => {
    const r = summarizeTraining({ sessions: [session({ attendees: [1, 1] }), session({ attendees: [1] })], farmers, target: noTarget });
    expect(r.uniqueFarmers).toBe(1);
    expect(r.personTimes).toBe(20);
  });

  it('keeps a session with an unreadable date in the totals but not in a month', () => {
    const r = summarizeTraining({ sessions: [session({ heldOn: '2017-02-30' }), session({})], farmers, target: noTarget });
    expect(r.sessions).toBe(2);
    expect(r.byMonth).toEqual([expect.objectContaining({ month: '2017-05', sessions: 1 })]);
    expect(r.flags).toContain('invalidDate');
  });

  it('gives zeros, not errors, for a project without sessions', () => {
    const r = summarizeTraining({ sessions: [], farmers: [], target: { personTimes: 100, demoHouseholds: null } });
    expect(r).toMatchObject({ sessions: 0, personTimes: 0, uniqueFarmers: 0, women: null, byMonth: [], byKind: [], bySite: [] });
    expect(r.target.progress).toBe(0);
  });
});

describe('unknown is not zero (spec §6)', () => {
  it('gives null distinct counts, not 0, when no session has a roster', () => {
    const r = summarizeTraining({ sessions: [session({ attendees: null }), session({ attendees: null, heldOn: '2017-06-01' })], farmers, target: { personTimes: null, demoHouseholds: 5 } });
    expect(r).toMatchObject({ personTimes: 20, uniqueFarmers: null, uniqueWomen: null, demoHouseholds: null, coverage: 0, sessionsWithoutRoster: 2 });
    expect(r.target.demoHouseholdsProgress).toBeNull();
    expect(r.byMonth.map((m) => m.uniqueFarmers)).toEqual([null, null]);
  });

  it('gives lower bounds with the share of sessions that had a roster when some lack one', () => {
    const r = summarizeTraining({ sessions: [session({ attendees: [1, 4] }), session({ attendees: null }), session({ attendees: null })], farmers, target: noTarget });
    expect(r).toMatchObject({ uniqueFarmers: 2, uniqueWomen: 2, demoHouseholds: 1, sessionsWithoutRoster: 2 });
    expect(r.coverage).toBeCloseTo(1 / 3, 15);
  });

  it('is exact with full coverage, and 0 only when there is no session at all', () => {
    expect(summarizeTraining({ sessions: [session({})], farmers, target: noTarget }).coverage).toBe(1);
    expect(summarizeTraining({ sessions: [], farmers, target: noTarget })).toMatchObject({ uniqueFarmers: 0, coverage: null });
  });
});
