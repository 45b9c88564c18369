import type { Connector } from '../connector.js';
import type { Backoff } from '../http-backoff.js';
import { syncSchoology } from './schoology.sync.js';

/**
 * Schoology REST: section grades per grading period with the district's two-legged OAuth 1.0a keys
 * (src/connectors/schoology/schoology.sync.ts). Field labels are i18n keys (config/locales/<lang>/connectorsSis.json).
 */
export function createSchoologyConnector(opts: { backoff?: Partial<Backoff> } = {}): Connector {
  return {
    kind: 'schoology',
    fields: [
      { name: 'baseUrl', label: 'connectorsSis.schoology.fields.baseUrl', url: true },
      { name: 'consumerKey', label: 'connectorsSis.schoology.fields.consumerKey' },
      { name: 'consumerSecret', label: 'connectorsSis.schoology.fields.consumerSecret', secret: true },
    ],
    sync: (run) => syncSchoology(run, opts.backoff),
  };
}
