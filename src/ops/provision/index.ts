/**
 * `ccr provision`: the registry's hosted feature service, views, officers' group and sharing
 * on an ArcGIS portal (ArcGIS Online, ArcGIS Enterprise or the local server), from the core
 * schema, through the ArcGIS REST API alone.
 *
 * ```ts
 * const session = await ArcGISIdentityManager.signIn({ username, password, portal });
 * const plan = planProvisioning();
 * const { steps, changed } = await provision(session, plan, { dryRun, onStep });
 * const { clean, drift } = await checkDrift(session, plan);
 * ```
 */
export {
  DEFAULT_MAX_RECORD_COUNT,
  DEFAULT_OFFICER_GROUP,
  planProvisioning,
  type GroupPlan,
  type LayerPlan,
  type PlanOptions,
  type PlannedField,
  type ProvisionPlan,
  type ServicePlan,
  type SharingPlan,
} from './plan.js';
export {
  provision,
  type ProvisionedService,
  type ProvisionOptions,
  type ProvisionResult,
  type ProvisionStep,
  type StepKind,
  type StepStatus,
} from './apply.js';
export {
  checkDrift,
  compareService,
  compareSharing,
  type Drift,
  type DriftKind,
  type DriftReport,
} from './check.js';
export { ProvisionError, type ReportedDifference } from './portal-client.js';
