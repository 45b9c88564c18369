// The one schema object drizzle needs for relational queries; each feature owns its *.tables.ts.
export * from '../platforms/platforms.tables.js';
export * from '../roster/roster.tables.js';
export * from '../audit/audit.tables.js';
export * from '../navigators/navigators.tables.js';
export * from '../lti/launch.tables.js';
export * from '../lti/lti.tables.js';
export * from '../scores/scores.tables.js';
export * from '../goals/goals.tables.js';
export * from '../checkins/checkins.tables.js';
export * from '../plans/plans.tables.js';
export * from '../web/once.tables.js';
export * from '../jobs/jobs.tables.js';
export * from '../indicators/indicators.tables.js';
export * from '../identities/identities.tables.js';
export * from '../student-data/student-data.tables.js';
export * from '../connectors/connectors.tables.js';
export * from '../mail/mail.tables.js';
