import type { RequestHandler } from 'express';
import type passport from 'passport';
import type { Config } from './config.js';
import type { Database, Db } from '../db/client.js';
import type { Clock } from './clock.js';
import type { Logger } from './logger.js';
import type { PlatformsService } from '../platforms/platforms.service.js';
import type { RosterService } from '../roster/roster.service.js';
import type { AuditService } from '../audit/audit.service.js';
import type { LtikService } from '../auth/ltik.js';
import type { NavigatorsService } from '../navigators/navigators.service.js';

/** What createApp needs from outside: the process entry passes real ones, tests their own. */
export interface AppDeps {
  config: Config;
  database: Database;
  clock: Clock;
  logger: Logger;
}

/** Everything a feature's routes may use; built once per app. */
export interface AppContext extends AppDeps {
  db: Db;
  platforms: PlatformsService;
  roster: RosterService;
  audit: AuditService;
  navigators: NavigatorsService;
  ltiks: LtikService;
  authenticator: passport.PassportStatic;
  /** Guard for pages that need a launched user. */
  requireUser: RequestHandler;
  /** Stops background work (schedulers) before the database closes. */
  shutdown?: () => Promise<void>;
}
