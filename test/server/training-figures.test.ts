import { describe, expect, it } from 'vitest';
import { summarizeTraining, type TrainingSession } from '../../analysis/training.js';
import { rosterCount } from '../../server/web/format.js';
import { trainingGlance } from '../../server/web/summaries.js';

const session = (id: number, attendees: number[] | null): TrainingSession => ({
  id,
  heldOn: '2017-05-04',
  kind: 'training',
  siteId: 1,
  siteName: 'Tacheng',
  village: null,
  attendance: 10,
  women: 4,
  attendees,
});
const farmers = [
  { id: 1, gender: 'female' as const, demoHousehold: true, household: null },
  { id: 2, gender: 'male' as const, demoHousehold: false, household: null },
];

describe('training figures as shown: unknown is never a bare 0', () => {
  it('writes "≥ n" with the sessions lacking a roster, "—" when none has one', () => {
    expect(rosterCount(12, 3, 'en')).toBe('≥ 12 (3 sessions without a roster)');
    expect(rosterCount(12, 1, 'zh')).toBe('≥ 12（1 场仅记人数）');
    expect(rosterCount(12, 0, 'zh')).toBe('12');
    expect(rosterCount(null, 4, 'zh')).toBe('—');
  });

  it('shows head-count-only sessions on the glance as unknown, with or without a target', () => {
    const none = summarizeTraining({ sessions: [session(1, null), session(2, null)], farmers, target: { personTimes: 100, demoHouseholds: 10 } });
    const glance = trainingGlance(none as never, 'zh');
    expect(glance.uniqueFarmers).toBe('—');
    expect(glance.demoHouseholds).toBe('—');
    expect(glance.households).toBeNull();
    const some = summarizeTraining({ sessions: [session(1, [1, 2]), session(2, null)], farmers, target: { personTimes: 100, demoHouseholds: 10 } });
    const partial = trainingGlance(some as never, 'en');
    expect(partial.uniqueFarmers).toBe('≥ 2 (1 session without a roster)');
    expect(partial.demoHouseholds).toBe('≥ 1 (1 session without a roster)');
  });

  it('shows progress towards the household target as a lower bound when some sessions lack a roster', () => {
    const target = { personTimes: 100, demoHouseholds: 10 };
    const some = trainingGlance(summarizeTraining({ sessions: [session(1, [1, 2]), session(2, null)], farmers, target }) as never, 'en');
    expect(some.households).toMatchObject({ value: '≥ 1 of 10', percentText: '≥ 10%', percent: 10 });
    // Person-times are counted at every session: exact.
    expect(some.progress).toMatchObject({ value: '20 of 100', percentText: '20%' });
    const all = trainingGlance(summarizeTraining({ sessions: [session(1, [1, 2]), session(2, [1])], farmers, target }) as never, 'zh');
    expect(all.households).toMatchObject({ percentText: '10%' });
    expect(all.households!.value).not.toContain('≥');
  });
});
