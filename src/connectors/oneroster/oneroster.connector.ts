import type { Connector } from '../connector.js';
import type { Backoff } from '../http-backoff.js';
import { syncOneRoster } from './oneroster.sync.js';

/**
 * OneRoster 1.2 REST: students and gradebook results with OAuth 2.0 client credentials
 * (src/connectors/oneroster/oneroster.sync.ts). Field labels are i18n keys (config/locales/<lang>/connectorsSis.json).
 */
export function createOneRosterConnector(opts: { backoff?: Partial<Backoff> } = {}): Connector {
  return {
    kind: 'oneroster',
    fields: [
      { name: 'baseUrl', label: 'connectorsSis.oneroster.fields.baseUrl', url: true },
      { name: 'tokenUrl', label: 'connectorsSis.oneroster.fields.tokenUrl', url: true },
      { name: 'clientId', label: 'connectorsSis.oneroster.fields.clientId' },
      { name: 'clientSecret', label: 'connectorsSis.oneroster.fields.clientSecret', secret: true },
    ],
    sync: (run) => syncOneRoster(run, opts.backoff),
  };
}
