import { z } from 'zod';

const flag = z
  .enum(['0', '1', 'true', 'false', 'yes', 'no', 'on', 'off'])
  .transform((v) => ['1', 'true', 'yes', 'on'].includes(v));

const ConfigSchema = z.object({
  PORT: z.coerce.number().int().min(0).max(65535).default(3000),
  HOST: z.string().default('0.0.0.0'),
  DATABASE_URL: z.string().url().optional(),
  /** A read replica for reports, when one exists. */
  DATABASE_REPLICA_URL: z.string().url().optional(),
  DEMOPLOT_DATA_DIR: z.string().min(1).default('./data'),
  DEMOPLOT_DEMO: flag.default(true),
  WEB_CONCURRENCY: z.coerce.number().int().min(1).max(64).default(1),
  DATABASE_POOL_SIZE: z.coerce.number().int().min(1).max(200).default(10),
  NODE_ENV: z.enum(['development', 'production', 'test']).default('development'),
  /** The first admin, created at start when no account has this email yet. */
  DEMOPLOT_ADMIN_EMAIL: z.string().trim().toLowerCase().pipe(z.email()).optional(),
  DEMOPLOT_ADMIN_PASSWORD: z.string().min(8).optional(),
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

export interface Config {
  port: number;
  host: string;
  databaseUrl?: string;
  replicaUrl?: string;
  dataDir: string;
  demo: boolean;
  webConcurrency: number;
  poolSize: number;
  production: boolean;
  admin?: { email: string; password: string };
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
  return Object.freeze({
    port: e.PORT,
    host: e.HOST,
    databaseUrl: e.DATABASE_URL,
    replicaUrl: e.DATABASE_REPLICA_URL,
    dataDir: e.DEMOPLOT_DATA_DIR,
    demo: e.DEMOPLOT_DEMO,
    webConcurrency: e.WEB_CONCURRENCY,
    poolSize: e.DATABASE_POOL_SIZE,
    production: e.NODE_ENV === 'production',
    admin: e.DEMOPLOT_ADMIN_EMAIL && e.DEMOPLOT_ADMIN_PASSWORD ? { email: e.DEMOPLOT_ADMIN_EMAIL, password: e.DEMOPLOT_ADMIN_PASSWORD } : undefined,
    timeZone: e.DEMOPLOT_TIMEZONE,
  });
}
