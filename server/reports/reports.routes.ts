import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../../db/database.js';
import { paramId } from '../http.js';
import * as service from './reports.service.js';

/**
 * Reports only read, so they may come from a read replica (`reads`, the primary by
 * default); a replica answers a moment behind the primary.
 */
export function reportsApi(db: Kysely<Database>, reads: Kysely<Database> = db): Router {
  const r = Router();
  r.get('/trials/:id/report', async (req, res) => {
    // The permission check read the trial's data version from the primary; a replica reads its own.
    const known = reads === db ? (req.target?.dataVersion ?? undefined) : undefined;
    const body = await service.trialReportJson(reads, paramId(req, 'TrialNotFound'), known);
    // With the tag set, Express neither hashes the body again nor sends it to a client that
    // already holds this version (304). Each encoding has a tag of its own.
    res.vary('Accept-Encoding').type('json');
    if (req.acceptsEncodings('gzip', 'identity') === 'gzip') {
      const gzipped = await service.gzipped(body);
      res.set({ 'Content-Encoding': 'gzip', ETag: body.etag.replace(/"$/, '-gzip"') }).send(gzipped);
    } else {
      res.set('ETag', body.etag).send(body.json);
    }
  });
  r.get('/projects/:id/training-summary', async (req, res) => {
    res.json(await service.trainingSummary(reads, paramId(req, 'ProjectNotFound')));
  });
  return r;
}
