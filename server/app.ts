import express, { type Express } from 'express';
import helmet from 'helmet';
import cookieParser from 'cookie-parser';
import type { DatabaseHandle } from '../db/connect.js';
import type { Config } from './config.js';
import { makeErrorHandler, notFoundHandler } from './errors.js';
import { refuseNul, verifyJsonBody } from './input-guard.js';
import { isLang, pickLang } from './i18n/i18n.js';
import { healthApi } from './health/health.routes.js';
import { resourcesApi } from './resources.js';
import { programmesApi } from './programmes/programmes.routes.js';
import { inspectionsApi } from './inspections/inspections.routes.js';
import { outputsApi } from './outputs/outputs.routes.js';
import { trialsApi } from './trials/trials.routes.js';
import { layoutsApi } from './layouts/layouts.routes.js';
import { observationsApi } from './observations/observations.routes.js';
import { reportsApi } from './reports/reports.routes.js';
import { importsApi } from './imports/imports.routes.js';
import { importPages } from './imports/imports.pages.js';
import { createRenderer } from './web/render.js';
import { loadAssets } from './web/assets.js';
import { htmlErrorPage } from './web/error-page.js';
import { homePages } from './projects/home.pages.js';
import { projectPages } from './projects/projects.pages.js';
import { programmePages } from './programmes/programmes.pages.js';
import { trialPages } from './trials/trials.pages.js';
import { layoutPages } from './layouts/layouts.pages.js';
import { observationPages } from './observations/observations.pages.js';
import { variablePages } from './variables/variables.pages.js';
import { reportPages } from './reports/reports.pages.js';
import { trainingPages } from './training/training.pages.js';
import { farmerPages } from './farmers/farmers.pages.js';
import { accountsApi } from './accounts/accounts.routes.js';
import { authenticate, requestContext } from './accounts/authenticate.js';
import { authorize, type Rule } from './accounts/policy.js';
import { csrfProtection } from './accounts/csrf.js';
import { noStoreWhenSignedIn } from './accounts/no-store.js';
import { loginPages } from './accounts/login.pages.js';
import { historyApi } from './audit/audit.routes.js';
import { auditPages } from './audit/audit.pages.js';
import { setTimeZone } from './observations/plausibility.js';
import { photoFiles, photosApi } from './photos/photos.routes.js';
import { offlinePages } from './offline/offline.pages.js';
import { searchApi } from './search/search.routes.js';
import { searchPages } from './search/search.pages.js';

export interface AppOptions {
  /** A read replica of the database, for reports; without one they read the primary. */
  replica?: DatabaseHandle;
  /** The policy's rules (tests pass a changed list to prove each rule is needed). */
  rules?: Rule[];
}

/** The whole application, without listen(): tests and main.ts both start it. */
export function createApp(config: Readonly<Config>, database: DatabaseHandle, options: AppOptions = {}): Express {
  const { db, kind } = database;
  setTimeZone(config.timeZone);
  const app = express();
  app.disable('x-powered-by');
  // Printed links (plot labels' QR codes, Field Book barcodes) start with this, when set.
  app.locals.publicUrl = config.publicUrl;
  app.set('trust proxy', config.trustProxy);
  app.locals.limits = config.limits;
  app.use(
    helmet({
      contentSecurityPolicy: {
        directives: {
          'default-src': ["'self'"],
          'script-src': ["'self'"],
          'style-src': ["'self'", "'unsafe-inline'"],
          'img-src': ["'self'", 'data:'],
          'form-action': ["'self'"],
          'upgrade-insecure-requests': null,
        },
      },
      hsts: config.production,
    }),
  );
  app.use(cookieParser());
  app.use((req, res, next) => {
    // Pages are Chinese unless the reader chose another language (?lang=ug|en, then a cookie); API
    // clients may also ask with Accept-Language.
    const isApi = req.path.startsWith('/api/');
    res.locals.lang = pickLang(req.query.lang, req.cookies?.lang, isApi ? req.get('accept-language') : undefined);
    // A language chosen with ?lang= sticks for the following pages.
    if (isLang(req.query.lang) && req.cookies?.lang !== req.query.lang) {
      res.cookie('lang', req.query.lang, { maxAge: 365 * 24 * 3600 * 1000, sameSite: 'lax', httpOnly: false });
    }
    next();
  });
  // Styles, scripts and icons: fingerprinted, compressed once, cached for a year.
  const assets = loadAssets();
  app.use(assets.router());

  // Who is asking, whether they may (server/accounts/policy.ts has a rule for every route),
  // then the body, the CSRF token, and the request's account and reason for the services
  // and the audit trail. Nothing below runs for a request the policy refused.
  app.use(authenticate(db, config.production));
  app.use(noStoreWhenSignedIn());
  app.use(authorize(db, options.rules));
  app.use('/api', express.json({ limit: '20mb', strict: false, verify: verifyJsonBody }));
  // Server-rendered pages' forms post urlencoded bodies; imports read their raw body themselves.
  app.use(express.urlencoded({ extended: true, limit: '2mb', parameterLimit: 50_000 }));
  app.use(refuseNul());
  app.use(csrfProtection());
  app.use(requestContext());

  const renderer = createRenderer(assets);
  const api = express.Router();
  api.use(importsApi(db));
  api.use(healthApi(db, kind));
  api.use(accountsApi(db));
  api.use(historyApi(db));
  api.use(resourcesApi(db));
  api.use(programmesApi(db));
  api.use(inspectionsApi(db));
  api.use(outputsApi(db));
  api.use(trialsApi(db));
  api.use(layoutsApi(db));
  api.use(observationsApi(db));
  api.use(photosApi(db));
  api.use(reportsApi(db, options.replica?.db));
  api.use(searchApi(db));
  app.use('/api', api);

  // Server-rendered pages.
  app.use(loginPages(db, renderer, config.production));
  app.use(auditPages(db));
  app.use(photoFiles(db));
  app.use(offlinePages(db, assets));
  // Each feature's page module renders its templates with the one renderer (no two declare the same address).
  const pageModules = [homePages, projectPages, layoutPages, programmePages, trialPages, observationPages, variablePages, reportPages, trainingPages, farmerPages, importPages, searchPages];
  for (const pages of pageModules) app.use(pages(db, renderer));

  app.use(notFoundHandler);
  app.use(makeErrorHandler(htmlErrorPage(renderer)));
  return app;
}
