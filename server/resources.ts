import { Router } from 'express';
import type { Kysely } from 'kysely';
import type { Database } from '../db/database.js';
import { resource, type Parent } from './resource-routes.js';
import * as farmers from './farmers/farmers.service.js';
import { FarmerInput, FarmerList, FarmerPatch } from './farmers/farmers.schemas.js';
import * as observations from './observations/observations.service.js';
import { ObservationPatch } from './observations/observations.schemas.js';
import * as plots from './plots/plots.service.js';
import { PlotInput, PlotList, PlotPatch } from './plots/plots.schemas.js';
import * as programmes from './programmes/programmes.service.js';
import { ProgrammeInput } from './programmes/programmes.schemas.js';
import * as projects from './projects/projects.service.js';
import { ProjectInput, ProjectPatch } from './projects/projects.schemas.js';
import * as sites from './sites/sites.service.js';
import { SiteInput, SitePatch } from './sites/sites.schemas.js';
import * as training from './training/training.service.js';
import { TrainingSessionInput, TrainingSessionList, TrainingSessionPatch } from './training/training.schemas.js';
import * as trials from './trials/trials.service.js';
import { TrialInput, TrialPatch } from './trials/trials.schemas.js';
import * as variables from './variables/variables.service.js';
import { VariableInput } from './variables/variables.schemas.js';

const PROJECT: Parent = { path: '/projects', notFound: 'ProjectNotFound', load: projects.getProject };
const TRIAL: Parent = { path: '/trials', notFound: 'TrialNotFound', load: trials.getTrial };

/**
 * The standard JSON routes of every kind of record, one description each (resource-routes.ts
 * says what each field mounts). A feature's other routes (a trial's lock, the observations'
 * filtered list and create) are in its own `*.routes.ts`; every route also needs its rule in
 * accounts/policy.ts.
 */
export const RESOURCES = [
  resource({
    path: '/projects',
    notFound: 'ProjectNotFound',
    dto: projects.projectDto,
    list: projects.listProjects,
    create: { input: ProjectInput, one: (db, input) => projects.createProject(db, input) },
    get: projects.getProject,
    patch: { input: ProjectPatch, apply: projects.patchProject },
  }),
  // A programme's page, summary and export are in programmes.routes.ts.
  resource({
    path: '/programmes',
    notFound: 'ProgrammeNotFound',
    dto: programmes.programmeDto,
    list: programmes.listProgrammes,
    create: { input: ProgrammeInput, one: programmes.createProgramme },
  }),
  resource({
    path: '/sites',
    notFound: 'SiteNotFound',
    under: PROJECT,
    dto: sites.siteDto,
    list: sites.listSites,
    create: { input: SiteInput, one: sites.createSite },
    get: sites.getSite,
    patch: { input: SitePatch, apply: sites.patchSite },
  }),
  resource({
    path: '/variables',
    notFound: 'VariableNotFound',
    dto: variables.variableDto,
    list: variables.listVariables,
    create: { input: VariableInput, one: variables.createVariable },
    get: variables.getVariable,
  }),
  resource({
    path: '/trials',
    notFound: 'TrialNotFound',
    under: PROJECT,
    dto: trials.trialDto,
    list: trials.listTrials,
    create: { input: TrialInput, one: trials.createTrial },
    get: trials.getTrial,
    patch: { input: TrialPatch, apply: trials.patchTrial },
    remove: trials.deleteTrial,
    restore: trials.restoreTrial,
  }),
  resource({
    path: '/plots',
    notFound: 'PlotNotFound',
    under: TRIAL,
    dto: plots.plotDto,
    list: plots.listPlots,
    create: { input: PlotInput, list: PlotList, many: plots.createPlots },
    get: plots.getPlot,
    patch: { input: PlotPatch, apply: plots.patchPlot },
    remove: plots.deletePlot,
    restore: plots.restorePlot,
  }),
  // The list and create of observations (a filtered, paged list; 200 when nothing was new) are
  // in observations.routes.ts.
  resource({
    path: '/observations',
    notFound: 'ObservationNotFound',
    dto: observations.observationDto,
    get: observations.getObservation,
    patch: { input: ObservationPatch, apply: observations.patchObservation },
    remove: observations.deleteObservation,
    restore: observations.restoreObservation,
  }),
  resource({
    path: '/farmers',
    notFound: 'FarmerNotFound',
    under: PROJECT,
    dto: farmers.farmerDto,
    list: farmers.listFarmers,
    create: { input: FarmerInput, list: FarmerList, many: farmers.createFarmers },
    get: farmers.getFarmer,
    patch: { input: FarmerPatch, apply: farmers.patchFarmer },
    remove: farmers.deleteFarmer,
    restore: farmers.restoreFarmer,
  }),
  // Sessions are answered as the service gives them (with their roster).
  resource({
    path: '/training-sessions',
    notFound: 'TrainingSessionNotFound',
    under: PROJECT,
    dto: (session) => session,
    list: training.listSessions,
    create: { input: TrainingSessionInput, list: TrainingSessionList, many: training.createSessions },
    get: training.getSession,
    patch: { input: TrainingSessionPatch, apply: training.patchSession },
    remove: training.deleteSession,
    restore: training.restoreSession,
  }),
];

export function resourcesApi(db: Kysely<Database>): Router {
  const r = Router();
  for (const mount of RESOURCES) mount(r, db);
  return r;
}
