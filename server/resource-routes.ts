import type { Router } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import type { ErrorCode } from './errors.js';
import { paramId } from './http.js';
import { idempotent } from './idempotency/idempotency.js';
import { parseOneOrList, parseOrThrow } from './validation.js';

/**
 * The JSON routes every kind of record shares, mounted from one description: the collection
 * (`GET` lists, `POST` creates, once per one-time key) and the item (`GET`, `PATCH`,
 * `DELETE`, `POST …/restore`). A route is mounted only when its handler is given, in that
 * order; anything else a feature answers stays in its own routes file.
 * @example collectionRoutes(r, db, { path: '/projects/:id/sites', parentNotFound: 'ProjectNotFound', dto: siteDto, list: (id) => listSites(db, id!) })
 */
export interface CollectionSpec<Row, S extends z.ZodType> {
  /** `/projects` or, under a parent, `/projects/:id/sites`. */
  path: string;
  /** The parent's 404 when the path names one (`:id`). */
  parentNotFound?: ErrorCode;
  dto: (row: Row) => unknown;
  list?: (parentId: number | undefined) => Promise<Row[]>;
  create?: {
    /** Loads the parent first, so a missing one answers 404 before the body is checked. */
    parent?: (parentId: number) => Promise<unknown>;
    input: S;
    /** With a list schema, a JSON array creates many at once (all or none), rows numbered. */
    list?: z.ZodType<z.infer<S>[]>;
    apply: (parentId: number | undefined, inputs: z.infer<S>[], batch: boolean) => Promise<Row[]>;
  };
}

export function collectionRoutes<Row, S extends z.ZodType>(r: Router, db: Kysely<Database>, spec: CollectionSpec<Row, S>): void {
  const parentOf = (req: Parameters<typeof paramId>[0]) => (spec.parentNotFound ? paramId(req, spec.parentNotFound) : undefined);
  const { list, create } = spec;
  if (list) {
    r.get(spec.path, async (req, res) => {
      res.json((await list(parentOf(req))).map(spec.dto));
    });
  }
  if (create) {
    r.post(spec.path, idempotent(db), async (req, res) => {
      const parentId = parentOf(req);
      if (create.parent && parentId !== undefined) await create.parent(parentId);
      const { batch, inputs } = create.list ? parseOneOrList(create.input, create.list, req.body) : { batch: false, inputs: [parseOrThrow(create.input, req.body)] };
      const created = await create.apply(parentId, inputs, batch);
      res.status(201).json(batch ? created.map(spec.dto) : spec.dto(created[0]));
    });
  }
}

export interface ItemSpec<Row, P extends z.ZodType> {
  /** `/sites`: the item is `/sites/:id`. */
  path: string;
  notFound: ErrorCode;
  dto: (row: Row) => unknown;
  get?: (id: number) => Promise<Row>;
  patch?: { input: P; apply: (id: number, patch: z.infer<P>) => Promise<Row> };
  /** Soft delete: 204, undone by `restore`. */
  remove?: (id: number) => Promise<void>;
  restore?: (id: number) => Promise<Row>;
}

export function itemRoutes<Row, P extends z.ZodType>(r: Router, spec: ItemSpec<Row, P>): void {
  const item = `${spec.path}/:id`;
  const { get, patch, remove, restore } = spec;
  if (get) {
    r.get(item, async (req, res) => {
      res.json(spec.dto(await get(paramId(req, spec.notFound))));
    });
  }
  if (patch) {
    r.patch(item, async (req, res) => {
      const id = paramId(req, spec.notFound);
      res.json(spec.dto(await patch.apply(id, parseOrThrow(patch.input, req.body))));
    });
  }
  if (remove) {
    r.delete(item, async (req, res) => {
      await remove(paramId(req, spec.notFound));
      res.status(204).end();
    });
  }
  if (restore) {
    r.post(`${item}/restore`, async (req, res) => {
      res.json(spec.dto(await restore(paramId(req, spec.notFound))));
    });
  }
}
