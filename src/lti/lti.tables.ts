import { pgTable, bigserial, text, timestamp, jsonb, index } from 'drizzle-orm/pg-core';

/**
 * ltijs's own store (platform registry, the tool's key pairs, nonces, states, token caches), one row
 * per document, written only through the database plugin in ltijs-plugin.ts. Rows hold no student data:
 * ltijs's launch (which would store id tokens) is not used.
 */
export const ltiDocuments = pgTable(
  'lti_documents',
  {
    id: bigserial('id', { mode: 'number' }).primaryKey(),
    /** ltijs's collection name: platform, platformStatus, publickey, privatekey, accesstoken, nonce, state, idtoken, contexttoken. */
    collection: text('collection').notNull(),
    /** The document as ltijs gave it; for encrypted collections `{...index, iv, data}` so ltijs can query the index keys. */
    document: jsonb('document').$type<Record<string, unknown>>().notNull(),
    createdAt: timestamp('created_at', { withTimezone: true, mode: 'date' }).notNull(),
    /** Null for collections that never expire (platforms, keys). */
    expiresAt: timestamp('expires_at', { withTimezone: true, mode: 'date' }),
  },
  (t) => [
    index('lti_documents_collection_idx').on(t.collection),
    index('lti_documents_document_idx').using('gin', t.document.op('jsonb_path_ops')),
    index('lti_documents_expires_idx').on(t.expiresAt),
  ],
);
