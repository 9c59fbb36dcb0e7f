import type { ColumnType, Generated, Insertable, Selectable, Updateable } from 'kysely';

/** A column the database fills in (`now()`), which a write may still set. */
type Timestamp = ColumnType<Date, Date | string | undefined, Date | string>;
type NullableTimestamp = ColumnType<Date | null, Date | string | null | undefined, Date | string | null>;
/** Exact decimal: read as a string, written as a string or number. */
type Decimal = ColumnType<string, string | number, string | number>;
/** A calendar date as `YYYY-MM-DD`. */
type DateOnly = string;

export interface ProjectTable {
  id: Generated<number>;
  code: string;
  name: string;
  nameEn: string | null;
  category: ProjectCategory | null;
  /** A free-text category from before categories were a closed list. */
  categoryLabel: Generated<string | null>;
  leadOrganisation: string | null;
  partnerOrganisations: ColumnType<string[], string[] | undefined, string[]>;
  startsOn: DateOnly | null;
  endsOn: DateOnly | null;
  targetPersonTimes: number | null;
  targetDemoHouseholds: number | null;
  description: string | null;
  programmeId: number | null;
  newThisYear: Generated<boolean>;
  prefecture: string | null;
  county: string | null;
  /** One of the 35 national poverty counties. */
  povertyCounty: Generated<boolean>;
  /** The supporting province or city (援疆省市). */
  supportingProvince: string | null;
  /** In 万元 (10,000 yuan). */
  budget: Decimal | null;
  status: ProjectStatus | null;
  isDemo: Generated<boolean>;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type ProjectCategory = 'prefecture' | 'poor_county' | 'industrialisation' | 'other';
export type ProjectStatus = 'proposed' | 'approved' | 'in_progress' | 'awaiting_acceptance' | 'accepted' | 'rectifying';
export type OutputKind = 'patent_utility' | 'patent_invention' | 'centre' | 'postdoc_station' | 'standard' | 'publication' | 'extension_material' | 'other';

/** A programme (科技援疆计划 and the like) that groups projects. */
export interface ProgrammeTable {
  id: Generated<number>;
  name: string;
  nameEn: string | null;
  year: number;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

/** An on-site acceptance inspection of a project by experts. */
export interface InspectionTable {
  id: Generated<number>;
  projectId: number;
  inspectedOn: DateOnly;
  experts: ColumnType<string[], string[] | undefined, string[]>;
  findings: string;
  createdAt: Timestamp;
}

/** One rectification item an inspection asked for; open until closed with a date and a note. */
export interface RectificationTable {
  id: Generated<number>;
  inspectionId: number;
  position: number;
  item: string;
  dueOn: DateOnly | null;
  closedOn: DateOnly | null;
  closeNote: string | null;
  version: Generated<number>;
}

/** Something a project produced: a patent, a centre, a standard, extension material ... */
export interface OutputTable {
  id: Generated<number>;
  projectId: number;
  kind: OutputKind;
  title: string;
  outputOn: DateOnly | null;
  number: string | null;
  count: number | null;
  notes: string | null;
  createdAt: Timestamp;
}

export type SiteKind = 'greenhouse' | 'production_line' | 'orchard' | 'field' | 'other';

export interface SiteTable {
  id: Generated<number>;
  projectId: number;
  name: string;
  nameEn: string | null;
  county: string | null;
  township: string | null;
  village: string | null;
  latitude: Decimal | null;
  longitude: Decimal | null;
  kind: SiteKind;
  notes: string | null;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export type VariableKind = 'date' | 'number' | 'count' | 'category' | 'text';
export type Aggregation = 'sum' | 'mean' | 'first' | 'last';

export interface VariableTable {
  id: Generated<number>;
  code: string;
  name: string;
  nameEn: string | null;
  kind: VariableKind;
  unit: string | null;
  aggregation: Aggregation | null;
  minimum: Decimal | null;
  maximum: Decimal | null;
  categories: string[] | null;
  description: string | null;
  createdAt: Timestamp;
}

export type Design = 'crd' | 'paired' | 'rcbd';
export type ArmRole = 'treatment' | 'control';

export interface TrialTable {
  id: Generated<number>;
  projectId: number;
  name: string;
  nameEn: string | null;
  crop: string;
  season: string | null;
  design: Design;
  description: string | null;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
  /** Signed off: the trial, its plots and observations are read-only until unlocked. */
  lockedAt: NullableTimestamp;
  lockedBy: number | null;
}

export interface TrialArmTable {
  id: Generated<number>;
  trialId: number;
  name: string;
  role: ArmRole;
  description: string | null;
  position: number;
}

export interface TrialVariableTable {
  trialId: number;
  variableId: number;
  position: number;
}

export interface PlotTable {
  id: Generated<number>;
  trialId: number;
  siteId: number;
  armId: number;
  label: string;
  block: string | null;
  areaM2: Decimal | null;
  plantedOn: DateOnly | null;
  /** Position in the field (1-based), both or neither. */
  row: number | null;
  column: number | null;
  notes: string | null;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
}

export type FieldSide = 'up' | 'down' | 'left' | 'right';

/** One plot of a layout as designed: its number in field order, label, arm and place. */
export interface LayoutPlot {
  n: number;
  label: string;
  arm: string;
  block: number | null;
  row: number;
  column: number;
}

/** A randomised layout of a trial's arms on a site; a preview until `committedAt`. */
export interface LayoutTable {
  id: Generated<number>;
  trialId: number;
  siteId: number;
  design: 'crd' | 'rcbd' | 'paired';
  blocks: number | null;
  plotsPerArm: number | null;
  fieldRows: number;
  fieldColumns: number;
  serpentine: boolean;
  labelPattern: string;
  plotArea: Decimal | null;
  plantedOn: DateOnly | null;
  seed: number;
  north: FieldSide | null;
  entrance: FieldSide | null;
  plots: ColumnType<LayoutPlot[], string, string>;
  /** The plots the commit created, in the order of `plots`. */
  plotIds: ColumnType<number[] | null, string | null | undefined, string | null>;
  committedAt: NullableTimestamp;
  createdBy: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ObservationTable {
  id: Generated<number>;
  plotId: number;
  variableId: number;
  valueNumber: Decimal | null;
  valueDate: DateOnly | null;
  valueText: string | null;
  observedOn: DateOnly | null;
  /** Which reading of the variable on this plot and day (1, 2 …): part of the identity. */
  reading: Generated<number>;
  recordedBy: string | null;
  notes: string | null;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
}

export type Gender = 'female' | 'male';

export interface FarmerTable {
  id: Generated<number>;
  projectId: number;
  name: string;
  village: string | null;
  household: string | null;
  gender: Gender | null;
  demoHousehold: Generated<boolean>;
  phone: string | null;
  notes: string | null;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
}

export type TrainingKind = 'training' | 'field_day' | 'hands_on';

export interface TrainingSessionTable {
  id: Generated<number>;
  projectId: number;
  siteId: number | null;
  village: string | null;
  heldOn: DateOnly;
  kind: TrainingKind;
  topic: string;
  trainer: string | null;
  attendance: number;
  women: number | null;
  notes: string | null;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
}

export interface TrainingAttendeeTable {
  sessionId: number;
  farmerId: number;
}

/** Maintained by triggers on observations; read-only for the application. */
export interface PlotValueTable {
  plotId: number;
  variableId: number;
  n: number;
  numValue: string | null;
  textValue: string | null;
}

/**
 * Maintained by triggers: the plot values of one site × arm × variable of a trial as parallel
 * arrays ordered by plot id (dates as days after each plot's planting date), for the report.
 */
export interface SiteArmValueTable {
  trialId: number;
  siteId: number;
  armId: number;
  variableId: number;
  n: number;
  plotIds: number[];
  /** Each array is null where it would hold only nulls (only false for missingPlanting). */
  blocks: (string | null)[] | null;
  /** Read as `num_values::text[]` for the exact text (the pg driver reads numeric[] as floats). */
  numValues: (string | number | null)[] | null;
  textValues: (string | null)[] | null;
  missingPlanting: boolean[] | null;
  /** The row as the report reads it: [siteId, armId, variableId, plotIds, blocks, numValues, textValues, missingPlanting] in JSON. */
  reportJson: string;
}

/** Maintained by triggers: goes up whenever anything a trial's report reads changes. */
export interface TrialDataVersionTable {
  trialId: number;
  version: number;
}

export type ImportKind = 'observations' | 'plots' | 'training';
export type ImportShape = 'long' | 'wide' | 'fieldbook' | 'table';
export type ImportStatus = 'checking' | 'ready' | 'invalid' | 'committed' | 'expired' | 'failed';
export type ImportAction = 'pending' | 'create' | 'update' | 'unchanged' | 'error';

/** An uploaded file being previewed or already committed. */
export interface ImportTable {
  id: string;
  projectId: number;
  trialId: number | null;
  kind: ImportKind;
  shape: ImportShape;
  status: ImportStatus;
  fileName: string | null;
  fileFormat: 'csv' | 'xlsx' | null;
  encoding: string | null;
  columns: ColumnType<string[], string[] | undefined, string[]>;
  options: ColumnType<Record<string, unknown>, string | undefined, string>;
  rowCount: Generated<number>;
  createCount: Generated<number>;
  updateCount: Generated<number>;
  unchangedCount: Generated<number>;
  errorCount: Generated<number>;
  created: number | null;
  updated: number | null;
  unchanged: number | null;
  expiresAt: Timestamp;
  createdAt: Timestamp;
  committedAt: NullableTimestamp;
  /** `host:pid` of the process checking the file (set while `checking`). */
  checkedBy: ColumnType<string | null, string | null | undefined, string | null>;
  /** A small plot file kept while its preview lives, to check it again with another mapping. */
  source: ColumnType<Uint8Array | null, Uint8Array | null | undefined, Uint8Array | null>;
}

/** The column mapping of a trial's last committed file of a kind, proposed for the next. */
export interface ImportMappingTable {
  trialId: number;
  kind: ImportKind;
  /** The file's header keys (headerKey of each named column), in file order. */
  headerKeys: ColumnType<string[], string, string>;
  /** Each column, by its header as written, and the field it was read as. */
  mapping: ColumnType<Record<string, string>, string, string>;
  updatedAt: ColumnType<Date, Date | undefined, Date>;
}

/** One observation, plot or session an import would write, checked and classified. */
export interface ImportRowTable {
  importId: string;
  seq: number;
  rowNumber: number;
  columnName: string | null;
  action: ImportAction;
  targetId: number | null;
  /** The matched observation's version when the preview classified the row (null for a create). */
  targetVersion: number | null;
  plotId: number | null;
  variableId: number | null;
  valueNumber: Decimal | null;
  valueDate: DateOnly | null;
  valueText: string | null;
  observedOn: DateOnly | null;
  reading: number | null;
  notes: string | null;
  recordedBy: string | null;
  payload: ColumnType<Record<string, unknown> | null, string | null | undefined, string | null>;
  shown: ColumnType<Record<string, unknown>, string | undefined, string>;
}

/** A problem found in an uploaded file: its spreadsheet row, its column, a message key. */
export interface ImportIssueTable {
  importId: string;
  seq: number;
  rowNumber: number;
  columnName: string;
  key: string;
  params: ColumnType<Record<string, unknown>, string | undefined, string>;
}

export type Role = 'admin' | 'agronomist' | 'lead' | 'viewer';

export interface UserTable {
  id: Generated<number>;
  email: string;
  name: string;
  role: Role;
  /** argon2id, PHC string format. */
  passwordHash: string;
  active: Generated<boolean>;
  isDemo: Generated<boolean>;
  version: Generated<number>;
  createdAt: Timestamp;
  updatedAt: Timestamp;
}

export interface ProjectMemberTable {
  projectId: number;
  userId: number;
}

export interface SessionTable {
  tokenHash: string;
  userId: number;
  csrfToken: string;
  createdAt: Timestamp;
  lastSeenAt: Timestamp;
  expiresAt: Date | string;
}

export interface ApiTokenTable {
  id: Generated<number>;
  userId: number;
  name: string | null;
  tokenHash: string;
  prefix: string;
  createdAt: Timestamp;
  lastUsedAt: NullableTimestamp;
  revokedAt: NullableTimestamp;
}

export interface LoginFailureTable {
  key: string;
  failures: number;
  windowStartedAt: Date | string;
}

export type AuditAction = 'create' | 'update' | 'delete' | 'restore' | 'lock' | 'unlock';

/** Written by triggers only; append-only. `before` and `after` are rows as JSON (snake_case). */
export interface AuditLogTable {
  id: Generated<number>;
  at: Timestamp;
  actorId: number | null;
  entity: string;
  entityId: number;
  tableName: string;
  action: AuditAction;
  before: Record<string, unknown> | null;
  after: Record<string, unknown> | null;
  reason: string | null;
}

/** A photo of a plot or of one of its observations (image and thumbnail as bytes). */
export interface PhotoTable {
  id: Generated<number>;
  plotId: number;
  observationId: number | null;
  takenOn: DateOnly | null;
  caption: string | null;
  contentType: 'image/jpeg' | 'image/webp';
  width: number;
  height: number;
  byteSize: number;
  keepsLocation: Generated<boolean>;
  bytes: Uint8Array;
  thumbnail: Uint8Array;
  idempotencyKey: string | null;
  createdBy: number | null;
  createdAt: Timestamp;
  updatedAt: Timestamp;
  deletedAt: NullableTimestamp;
}

export interface Database {
  projects: ProjectTable;
  programmes: ProgrammeTable;
  inspections: InspectionTable;
  rectifications: RectificationTable;
  outputs: OutputTable;
  sites: SiteTable;
  variables: VariableTable;
  trials: TrialTable;
  trialArms: TrialArmTable;
  trialVariables: TrialVariableTable;
  plots: PlotTable;
  layouts: LayoutTable;
  observations: ObservationTable;
  farmers: FarmerTable;
  trainingSessions: TrainingSessionTable;
  trainingAttendees: TrainingAttendeeTable;
  plotValues: PlotValueTable;
  siteArmValues: SiteArmValueTable;
  trialDataVersions: TrialDataVersionTable;
  imports: ImportTable;
  importRows: ImportRowTable;
  importIssues: ImportIssueTable;
  importMappings: ImportMappingTable;
  users: UserTable;
  projectMembers: ProjectMemberTable;
  sessions: SessionTable;
  apiTokens: ApiTokenTable;
  loginFailures: LoginFailureTable;
  auditLog: AuditLogTable;
  idempotencyKeys: IdempotencyKeyTable;
  photos: PhotoTable;
}

/** The first response to a POST with an Idempotency-Key (server/idempotency/). */
export interface IdempotencyKeyTable {
  scope: string;
  key: string;
  requestHash: string;
  responseStatus: number | null;
  responseHeaders: ColumnType<Record<string, string> | null, string | null | undefined, string | null>;
  responseBody: string | null;
  createdAt: Generated<Date>;
  expiresAt: Date;
}

export type ProjectRow = Selectable<ProjectTable>;
export type NewProjectRow = Insertable<ProjectTable>;
export type ProjectUpdate = Updateable<ProjectTable>;
export type ProgrammeRow = Selectable<ProgrammeTable>;
export type InspectionRow = Selectable<InspectionTable>;
export type NewInspectionRow = Insertable<InspectionTable>;
export type RectificationRow = Selectable<RectificationTable>;
export type OutputRow = Selectable<OutputTable>;
export type NewOutputRow = Insertable<OutputTable>;
export type NewProgrammeRow = Insertable<ProgrammeTable>;
export type SiteRow = Selectable<SiteTable>;
export type VariableRow = Selectable<VariableTable>;
export type TrialRow = Selectable<TrialTable>;
export type TrialArmRow = Selectable<TrialArmTable>;
export type PlotRow = Selectable<PlotTable>;
export type LayoutRow = Selectable<LayoutTable>;
export type ObservationRow = Selectable<ObservationTable>;
export type FarmerRow = Selectable<FarmerTable>;
export type TrainingSessionRow = Selectable<TrainingSessionTable>;
export type UserRow = Selectable<UserTable>;
export type ApiTokenRow = Selectable<ApiTokenTable>;
export type AuditLogRow = Selectable<AuditLogTable>;
