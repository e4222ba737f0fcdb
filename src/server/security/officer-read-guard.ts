/** Limits on what officers may read with residents' contact details. */
export interface OfficerReadLimits {
  /** Widest and tallest box (geodesic metres) that the sites of one contact read may span. */
  readonly maxSpanMeters: number;
  /** Most sites one request may return with contact fields. */
  readonly maxSitesPerRequest: number;
  /** Sites with contact fields one officer may read in 24 hours. */
  readonly maxSitesPerDay: number;
  /** Past this many sites in 24 hours the officer's reads are flagged for review. */
  readonly flagSitesPerDay: number;
}

export const DEFAULT_OFFICER_READ_LIMITS: OfficerReadLimits = {
  maxSpanMeters: 4_000,
  maxSitesPerRequest: 1_000,
  maxSitesPerDay: 5_000,
  flagSitesPerDay: 2_000,
};
