/**
 * Persisted documents, two ways. Automatic persisted queries (Apollo's protocol): a client sends
 * a document's sha256 alone, and on PERSISTED_QUERY_NOT_FOUND sends it again with the document,
 * which is remembered in a bounded LRU (by count and by bytes: a registration is a client-chosen
 * write into server memory). Trusted documents: with `trustedOnly`, only the manifest's documents
 * run, asked for by id, and nothing can be registered. The manifest's documents are served by id
 * in both modes.
 */
import { existsSync, readFileSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { useAPQ } from '@graphql-yoga/plugin-apq';
import { usePersistedOperations } from '@graphql-yoga/plugin-persisted-operations';
import type { GraphQLParams, Plugin } from 'graphql-yoga';
import { LRUCache } from 'lru-cache';
import type { DocumentsConfig } from '../config.ts';
import { documentRefused } from '../errors.ts';

/** What `npm run codegen` writes from client/operations.graphql. */
export const bundledManifest = fileURLToPath(new URL('../../client/gql/persisted-documents.json', import.meta.url));

/** The request parameter the GraphQL-over-HTTP trusted-documents convention names the id with. */
export const documentIdParam = 'documentId';

const hashPrefix = 'sha256:';
const bareHash = (id: string) => (id.startsWith(hashPrefix) ? id.slice(hashPrefix.length) : id).toLowerCase();

/** `sha256 hex → document`; throws at start on a file that is not such a manifest. */
export function loadManifest(path: string): ReadonlyMap<string, string> {
  const parsed: unknown = JSON.parse(readFileSync(path, 'utf8'));
  if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
    throw new Error(`${path}: not a JSON object of id → document`);
  const manifest = new Map<string, string>();
  for (const [id, document] of Object.entries(parsed)) {
    if (typeof document !== 'string' || !/^(sha256:)?[0-9a-f]{64}$/i.test(id))
      throw new Error(`${path}: ${JSON.stringify(id.slice(0, 80))} is not a sha256 id of a document`);
    manifest.set(bareHash(id), document);
  }
  return manifest;
}

/** The id a request asks for: Apollo's `extensions.persistedQuery.sha256Hash` or a `documentId`. */
function requestedId(params: GraphQLParams & { documentId?: unknown }): string | null {
  const persisted = params.extensions?.['persistedQuery'] as { version?: unknown; sha256Hash?: unknown } | undefined;
  if (persisted?.version === 1 && typeof persisted.sha256Hash === 'string') return bareHash(persisted.sha256Hash);
  return typeof params.documentId === 'string' ? bareHash(params.documentId) : null;
}

export interface DocumentStore {
  get(hash: string): string | null;
  set(hash: string, document: string): void;
  /** Documents registered through APQ now (the manifest's are not counted). */
  readonly size: number;
}

/** The manifest first, then what clients registered, least recently used dropped first. */
export function createDocumentStore(config: DocumentsConfig, manifest: ReadonlyMap<string, string>): DocumentStore {
  const registered = new LRUCache<string, string>({
    max: config.apqMaxEntries,
    maxSize: config.apqMaxBytes,
    // A document over the whole budget is simply not remembered.
    sizeCalculation: (document) => Math.max(1, Buffer.byteLength(document)),
  });
  return {
    get: (hash) => manifest.get(hash.toLowerCase()) ?? registered.get(hash.toLowerCase()) ?? null,
    set: (hash, document) => {
      if (!manifest.has(hash.toLowerCase())) registered.set(hash.toLowerCase(), document);
    },
    get size() {
      return registered.size;
    },
  };
}

function manifestOf(config: DocumentsConfig): ReadonlyMap<string, string> {
  const path = config.manifestPath ?? bundledManifest;
  if (config.manifestPath === null && !existsSync(path)) {
    if (config.trustedOnly)
      throw new Error(`TRUSTED_DOCUMENTS_ONLY needs a manifest: ${path} is absent (npm run codegen), or set TRUSTED_DOCUMENTS`);
    return new Map();
  }
  return loadManifest(path);
}

export function useDocuments(config: DocumentsConfig): { plugins: Plugin[]; store: DocumentStore } {
  const manifest = manifestOf(config);
  const store = createDocumentStore(config, manifest);
  if (config.trustedOnly) {
    const plugin = usePersistedOperations({
      allowArbitraryOperations: false,
      extractPersistedOperationId: (params) => requestedId(params),
      getPersistedOperation: (id) => manifest.get(id) ?? null,
      customErrors: {
        notFound: () =>
          documentRefused('PERSISTED_QUERY_NOT_IN_LIST', 'Not a trusted document: only the documents of the manifest run here', 400),
        persistedQueryOnly: () =>
          documentRefused(
            'PERSISTED_QUERY_ID_REQUIRED',
            'Only trusted documents run here: send the id of one (documentId, or extensions.persistedQuery.sha256Hash), not a document',
            400,
          ),
        keyNotFound: () =>
          documentRefused(
            'PERSISTED_QUERY_ID_REQUIRED',
            'Only trusted documents run here: send the id of one (documentId, or extensions.persistedQuery.sha256Hash)',
            400,
          ),
      },
    });
    return { plugins: [plugin], store };
  }
  const plugins: Plugin[] = [];
  // A bare `documentId` (no APQ extension) names a manifest document.
  plugins.push({
    onParams({ params, setParams }) {
      const id = params.query == null && params.extensions?.['persistedQuery'] == null ? requestedId(params) : null;
      if (id === null) return;
      const document = manifest.get(id);
      if (document === undefined) throw documentRefused('PERSISTED_QUERY_NOT_IN_LIST', 'No document with this documentId', 400);
      const { documentId: _id, ...rest } = params as GraphQLParams & { documentId?: unknown };
      setParams({ ...rest, query: document });
    },
  });
  plugins.push(useAPQ({ store }));
  return { plugins, store };
}
