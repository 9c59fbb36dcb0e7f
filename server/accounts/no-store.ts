import type { RequestHandler } from 'express';

/**
 * Pages and JSON shown to a signed-in account are never kept by a browser or a shared cache
 * (`Cache-Control: private, no-store`): a shared computer's back button or a proxy must not
 * show someone's data to the next person. Static files are served before this and keep
 * their long cache; a route may still set its own header (exports do).
 */
export function noStoreWhenSignedIn(): RequestHandler {
  return (req, res, next) => {
    if (req.user) res.setHeader('Cache-Control', 'private, no-store');
    next();
  };
}
