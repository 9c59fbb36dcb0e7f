import type { Router } from 'express';
import type { Kysely } from 'kysely';
import type { z } from 'zod';
import type { Database } from '../db/database.js';
import type { ErrorCode } from './errors.js';
import { paramId } from './http.js';
import { idempotent } from './idempotency/idempotency.js';
import { parseOneOrList, parseOrThrow } from './validation.js';

type Db = Kysely<Database>;

/** The record a collection lives under: `/projects/:id/sites` is under `/projects`. */
export interface Parent {
  path: string;
  notFound: ErrorCode;
  /** Loads the parent before a create, so a missing one answers 404 before the body is checked. */
  load: (db: Db, id: number) => Promise<unknown>;
}

/**
 * The JSON routes every kind of record shares, mounted from one description (server/resources.ts
 * lists them): the collection (`GET` lists, `POST` creates, once per one-time key) and the item
 * (`GET`, `PATCH`, `DELETE`, `POST …/restore`). A route is mounted only when its handler is
 * given, in that order; anything else a feature answers stays in its own routes file. Each
 * handler is the service function itself, called with the database first; `Where` is the
 * collection's place: `[]` at the top, `[parentId]` under a parent.
 * @example resource({ path: '/sites', notFound: 'SiteNotFound', under: PROJECT, dto: siteDto, list: listSites, get: getSite })
 */
export interface ResourceSpec<Row, S extends z.ZodType, P extends z.ZodType, Where extends [] | [number]> {
  /** `/sites`: the item is `/sites/:id`, the collection `/sites` or, under a parent, `/projects/:id/sites`. */
  path: string;
  notFound: ErrorCode;
  dto: (row: Row) => unknown;
  list?: (db: Db, ...where: Where) => Promise<Row[]>;
  /** `one` creates from one body; with a `list` schema, `many` also takes a JSON array (all or none, rows numbered). */
  create?:
    | { input: S; one: (db: Db, ...args: [...Where, z.infer<S>]) => Promise<Row> }
    | { input: S; list: z.ZodType<z.infer<S>[]>; many: (db: Db, ...args: [...Where, z.infer<S>[], boolean]) => Promise<Row[]> };
  get?: (db: Db, id: number) => Promise<Row>;
  patch?: { input: P; apply: (db: Db, id: number, patch: z.infer<P>) => Promise<Row> };
  /** Soft delete: 204, undone by `restore`. */
  remove?: (db: Db, id: number) => Promise<void>;
  restore?: (db: Db, id: number) => Promise<Row>;
}

/** A described kind of record, ready to mount on a router. */
export type Resource = (r: Router, db: Db) => void;

export function resource<Row, S extends z.ZodType, P extends z.ZodType>(spec: ResourceSpec<Row, S, P, [number]> & { under: Parent }): Resource;
export function resource<Row, S extends z.ZodType, P extends z.ZodType>(spec: ResourceSpec<Row, S, P, []> & { under?: undefined }): Resource;
export function resource(described: unknown): Resource {
  const spec = described as AnySpec;
  const { under, list, create, get, patch, remove, restore, dto, notFound } = spec;
  const collection = under ? `${under.path}/:id${spec.path}` : spec.path;
  const item = `${spec.path}/:id`;
  // The collection's place: no id at the top, the parent's id under a parent.
  const whereOf = (req: Parameters<typeof paramId>[0]): [] | [number] => (under ? [paramId(req, under.notFound)] : []);
  return (r, db) => {
    if (list) {
      r.get(collection, async (req, res) => {
        res.json((await list(db, ...whereOf(req))).map(dto));
      });
    }
    if (create) {
      r.post(collection, idempotent(db), async (req, res) => {
        const where = whereOf(req);
        if (under) await under.load(db, where[0]!);
        if (create.many) {
          const { batch, inputs } = parseOneOrList(create.input, create.list!, req.body);
          const created = await create.many(db, ...where, inputs, batch);
          res.status(201).json(batch ? created.map(dto) : dto(created[0]));
        } else {
          res.status(201).json(dto(await create.one!(db, ...where, parseOrThrow(create.input, req.body))));
        }
      });
    }
    if (get) {
      r.get(item, async (req, res) => {
        res.json(dto(await get(db, paramId(req, notFound))));
      });
    }
    if (patch) {
      r.patch(item, async (req, res) => {
        const id = paramId(req, notFound);
        res.json(dto(await patch.apply(db, id, parseOrThrow(patch.input, req.body))));
      });
    }
    if (remove) {
      r.delete(item, async (req, res) => {
        await remove(db, paramId(req, notFound));
        res.status(204).end();
      });
    }
    if (restore) {
      r.post(`${item}/restore`, async (req, res) => {
        res.json(dto(await restore(db, paramId(req, notFound))));
      });
    }
  };
}

/** What `resource` sees once the overloads have checked the types of a description. */
interface AnySpec {
  path: string;
  notFound: ErrorCode;
  under?: Parent;
  dto: (row: unknown) => unknown;
  list?: (db: Db, ...where: unknown[]) => Promise<unknown[]>;
  create?: { input: z.ZodType; list?: z.ZodType<unknown[]>; one?: (db: Db, ...args: unknown[]) => Promise<unknown>; many?: (db: Db, ...args: unknown[]) => Promise<unknown[]> };
  get?: (db: Db, id: number) => Promise<unknown>;
  patch?: { input: z.ZodType; apply: (db: Db, id: number, patch: unknown) => Promise<unknown> };
  remove?: (db: Db, id: number) => Promise<void>;
  restore?: (db: Db, id: number) => Promise<unknown>;
}
