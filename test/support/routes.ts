import type { Express } from 'express';
import { POLICY_ROUTER } from '../../server/accounts/policy.js';

interface StackLayer {
  rawPath?: string | string[];
  route?: { path: string; methods: Record<string, boolean> };
  handle?: { stack?: StackLayer[] } & Record<symbol, unknown>;
}

/** Every route the app serves, as `METHOD /full/path`, read from express's router stack
 * (the policy's own router left out). */
export function listRoutes(app: Express): string[] {
  const out: string[] = [];
  const walk = (stack: StackLayer[], prefix: string) => {
    for (const layer of stack) {
      if (layer.route) {
        for (const [method, on] of Object.entries(layer.route.methods)) {
          if (on && method !== '_all') out.push(`${method.toUpperCase()} ${join(prefix, layer.route.path)}`);
        }
      } else if (layer.handle?.stack && !layer.handle[POLICY_ROUTER]) {
        const mount = typeof layer.rawPath === 'string' ? layer.rawPath : '/';
        walk(layer.handle.stack, join(prefix, mount));
      }
    }
  };
  walk((app as unknown as { router: { stack: StackLayer[] } }).router.stack, '');
  return [...new Set(out)].sort();
}

function join(a: string, b: string): string {
  const s = `${a.replace(/\/$/, '')}/${b.replace(/^\//, '')}`;
  return s.length > 1 ? s.replace(/\/$/, '') : s;
}
