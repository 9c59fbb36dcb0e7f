import { isIP } from 'node:net';
import { z } from 'zod';
import { passwordProblem } from './accounts/password-policy.js';
import { translate } from './i18n/i18n.js';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

/** A PostgreSQL connection string: postgres:// or postgresql://. */
const postgresUrl = z
  .string()
  .url()
  .refine((u) => /^postgres(ql)?:\/\//i.test(u), { message: 'must be a postgres:// or postgresql:// connection string' });

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: postgresUrl.optional(),
  /** A read replica for reports, when one exists. */
  DATABASE_REPLICA_URL: postgresUrl.optional(),
  DEMOPLOT_DATA_DIR: z.string().min(1).default('./data'),
  DEMOPLOT_DEMO: flag.default(true),
  /** The address people reach the app at, for links printed on paper (QR codes). */
  DEMOPLOT_PUBLIC_URL: z
    .string()
    .url()
    .refine((u) => /^https?:\/\//i.test(u), { message: 'must be an http:// or https:// address' })
    .optional(),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The first admin, created at start when no account has this email yet. */
  DEMOPLOT_ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  DEMOPLOT_ADMIN_PASSWORD: z.string().optional(),
  /** The largest import file accepted, in MB (1 MB = 1,048,576 bytes). */
  DEMOPLOT_MAX_UPLOAD_MB: z.coerce.number().int().min(1).max(10_000).default(50),
  /** The most data rows one import file may hold. */
  DEMOPLOT_MAX_IMPORT_ROWS: z.coerce.number().int().min(1).max(100_000_000).default(1_000_000),
  /** The proxies whose X-Forwarded-For is believed: express "trust proxy" values. */
  DEMOPLOT_TRUST_PROXY: z
    .string()
    .refine(isTrustProxy, 'must be false, a hop count, or a comma-separated list of addresses, subnets, loopback, linklocal or uniquelocal')
    .default('loopback'),
  /** In production, demonstration accounts are created only when this is set. */
  DEMOPLOT_DEMO_ACCOUNTS: flag.default(false),
  /** The time zone whose calendar day is "today" for date plausibility checks. */
  DEMOPLOT_TIMEZONE: z
    .string()
    .refine((tz) => {
      try {
        new Intl.DateTimeFormat('en', { timeZone: tz });
        return true;
      } catch {
        return false;
      }
    }, 'must be an IANA time zone such as Asia/Shanghai')
    .default('Asia/Shanghai'),
});

/** Every environment variable the app reads (each is checked at start). */
export const CONFIG_VARIABLES = Object.keys(ConfigSchema.shape) as readonly (keyof typeof ConfigSchema.shape)[];

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  replicaUrl?: string;
  dataDir: string;
  demo: boolean;
  /** Base of absolute links on printed labels; without it, the request's own origin. */
  publicUrl?: string;
  webConcurrency: number;
  poolSize: number;
  production: boolean;
  admin?: { email: string; password: string };
  /** Largest upload in bytes and most rows per import file. */
  limits: { uploadBytes: number; importRows: number };
  /** Express "trust proxy": the addresses whose X-Forwarded-For names the client. */
  trustProxy: string | boolean | number;
  /** Whether the demonstration accounts (public passwords) may be created. */
  demoAccounts: boolean;
  /** IANA time zone of "today" (DEMOPLOT_TIMEZONE). */
  timeZone: string;
}

/** Reads the environment once; a bad value stops the start with the variable's name. */
export function loadConfig(env: NodeJS.ProcessEnv = process.env): Readonly<Config> {
  const cleaned = Object.fromEntries(Object.entries(env).filter(([, v]) => v !== ''));
  const parsed = ConfigSchema.safeParse(cleaned);
  if (!parsed.success) {
    // Never echo a password back, even a refused one.
    const lines = parsed.error.issues.map((i) => `  ${i.path.join('.')}: ${i.path[0] === 'DEMOPLOT_ADMIN_PASSWORD' ? 'must have at least 8 characters' : i.message}`);
    throw new Error(`invalid configuration:\n${lines.join('\n')}`);
  }
  const e = parsed.data;
  if (!e.DEMOPLOT_ADMIN_EMAIL !== !e.DEMOPLOT_ADMIN_PASSWORD) {
    throw new Error('invalid configuration:\n  DEMOPLOT_ADMIN_EMAIL and DEMOPLOT_ADMIN_PASSWORD go together: set both or neither');
  }
  const weak = e.DEMOPLOT_ADMIN_PASSWORD && passwordProblem(e.DEMOPLOT_ADMIN_PASSWORD, { email: e.DEMOPLOT_ADMIN_EMAIL, name: 'Administrator' });
  if (weak) {
    // Never echo a password back, even a refused one.
    throw new Error(`invalid configuration:\n  DEMOPLOT_ADMIN_PASSWORD: ${translate('en', weak)}`);
  }
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    replicaUrl: e.DATABASE_REPLICA_URL,
    dataDir: e.DEMOPLOT_DATA_DIR,
    demo: e.DEMOPLOT_DEMO,
    publicUrl: e.DEMOPLOT_PUBLIC_URL?.replace(/\/+$/, ''),
    webConcurrency: e.WEB_CONCURRENCY,
    poolSize: e.DATABASE_POOL_SIZE,
    production: e.NODE_ENV === 'production',
    limits: { uploadBytes: e.DEMOPLOT_MAX_UPLOAD_MB * 1024 * 1024, importRows: e.DEMOPLOT_MAX_IMPORT_ROWS },
    trustProxy: parseTrustProxy(e.DEMOPLOT_TRUST_PROXY),
    demoAccounts: e.NODE_ENV !== 'production' || e.DEMOPLOT_DEMO_ACCOUNTS,
    admin: e.DEMOPLOT_ADMIN_EMAIL && e.DEMOPLOT_ADMIN_PASSWORD ? { email: e.DEMOPLOT_ADMIN_EMAIL, password: e.DEMOPLOT_ADMIN_PASSWORD } : undefined,
    timeZone: e.DEMOPLOT_TIMEZONE,
  });
}

/**
 * DEMOPLOT_TRUST_PROXY as express's "trust proxy": `false` (or `0`) believes no proxy, a
 * number believes that many hops, anything else is a comma-separated list of addresses,
 * subnets or the names `loopback`, `linklocal`, `uniquelocal`.
 * @example parseTrustProxy('10.0.0.0/8, loopback') // => '10.0.0.0/8, loopback'
 */
export function parseTrustProxy(v: string): string | boolean | number {
  const s = v.trim();
  if (s === 'false' || s === '0' || s === 'off' || s === 'no') return false;
  if (/^[1-9]\d?$/.test(s)) return Number(s);
  return s;
}

/** Whether a DEMOPLOT_TRUST_PROXY value is one express's "trust proxy" understands. */
function isTrustProxy(v: string): boolean {
  const s = v.trim();
  if (['false', '0', 'off', 'no', 'true'].includes(s) || /^[1-9]\d?$/.test(s)) return true;
  return s.split(',').every((part) => {
    const p = part.trim();
    if (['loopback', 'linklocal', 'uniquelocal'].includes(p)) return true;
    const [address, bits, ...rest] = p.split('/');
    if (rest.length || !isIP(address)) return false;
    return bits === undefined || (/^\d{1,3}$/.test(bits) && Number(bits) <= (isIP(address) === 4 ? 32 : 128));
  });
}
