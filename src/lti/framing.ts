import type { Response } from 'express';
import { allowFraming } from '../web/csp.js';
import { frameOriginsOf, type Tenant } from '../platforms/platforms.service.js';
import type { PlatformSeen } from './launch.service.js';

/** For a login or launch: the platform it belongs to may frame the answer (login page, launch page, refusal). */
export const framedByPlatform =
  (res: Response): PlatformSeen =>
  (tenant: Tenant) =>
    allowFraming(res, frameOriginsOf(tenant));

/** For dynamic registration: the LMS that opened the registration (its admin page frames it) may frame the answer. */
export function framedByRegisteringLms(res: Response, openidConfigurationUrl: string): void {
  const { origin, protocol } = new URL(openidConfigurationUrl);
  if (protocol === 'https:' || protocol === 'http:') allowFraming(res, [origin]);
}
