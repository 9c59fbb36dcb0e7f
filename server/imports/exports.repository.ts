import { sql, type Kysely } from 'kysely';
import type { Database } from '../../db/database.js';

/** A trial's observations for a slice of its plots, in display order. */
export function listObservationsOfPlots(db: Kysely<Database>, plotIds: number[]) {
  return db
    .selectFrom('observations as o')
    .innerJoin('trialVariables as tv', (j) => j.onRef('tv.variableId', '=', 'o.variableId'))
    .innerJoin('plots as p', (j) => j.onRef('p.id', '=', 'o.plotId').onRef('p.trialId', '=', 'tv.trialId'))
    .select(['o.id', 'o.plotId', 'o.variableId', 'o.valueNumber', 'o.valueDate', 'o.valueText', 'o.observedOn', 'o.reading', 'o.notes', 'o.recordedBy'])
    .where('o.plotId', 'in', plotIds)
    .where('o.deletedAt', 'is', null)
    .orderBy('o.plotId')
    .orderBy('tv.position')
    .orderBy(sql`o.observed_on asc nulls first`)
    .orderBy('o.reading')
    .orderBy('o.id')
    .execute();
}

/** Per variable of a trial, the most observations one live plot has of it (the wide
 * export's number of columns for the variable). */
export function mostReadingsPerVariable(db: Kysely<Database>, trialId: number) {
  return db
    .selectFrom((eb) =>
      eb
        .selectFrom('observations as o')
        .innerJoin('plots as p', 'p.id', 'o.plotId')
        .select(['o.variableId', (e) => e.fn.countAll<number>().as('n')])
        .where('p.trialId', '=', trialId)
        .where('p.deletedAt', 'is', null)
        .where('o.deletedAt', 'is', null)
        .groupBy(['o.plotId', 'o.variableId'])
        .as('c'),
    )
    .select(['c.variableId', (e) => e.fn.max('c.n').as('most')])
    .groupBy('c.variableId')
    .execute();
}
