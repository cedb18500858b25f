import type { DataSource, EntityManager } from 'typeorm';
import { nameText, parseCertificate } from '../../pki/x509.js';
import type { HolderReference } from './issuance-holder.js';
import type { IssuanceKind } from './issuance-entry.js';

/**
 * What the issuance log says about an item, read from where the issuing module stored it
 * (pki_certificates, licences, seals): the log never takes these fields from the caller, so an
 * entry always describes the item as stored, and one lost to a crash can be appended later from
 * the same rows (IssuanceLog.reconcile).
 */

type Executor = Pick<DataSource | EntityManager, 'query'>;

/** An item to append; `holder` is the holder's reference, hashed before it is logged (never stored). */
export interface IssuedItem {
  kind: IssuanceKind;
  id: string;
  issuer: string;
  issuerCode?: string;
  type: string;
  issuedAt: string;
  holder?: HolderReference;
}

/** Milliseconds, UTC, as JavaScript's toISOString writes them. */
export const ISO_MS = `'YYYY-MM-DD"T"HH24:MI:SS.MS"Z"'`;
const issuedAt = (column: string) => `to_char(${column} AT TIME ZONE 'UTC', ${ISO_MS}) AS issued_at`;
const IDS = `(SELECT jsonb_array_elements_text($1::jsonb))`;

interface Source {
  /** The table and its identifier column. */
  table: string;
  idColumn: string;
  /** Reads the items with these identifiers. */
  read(executor: Executor, ids: readonly string[]): Promise<IssuedItem[]>;
}

const SOURCES: Record<IssuanceKind, Source> = {
  certificate: {
    table: 'pki_certificates',
    idColumn: 'serial',
    async read(executor, ids) {
      const rows = await executor.query<{ id: string; type: string; uscc: string | null; der: string; issued_at: string }[]>(
        `SELECT serial AS id, profile AS type, uscc, encode(der, 'hex') AS der, ${issuedAt('created_at')}
         FROM pki_certificates WHERE serial IN ${IDS}`,
        [JSON.stringify(ids)],
      );
      return rows.map((row) => ({
        kind: 'certificate',
        id: row.id,
        issuer: caName(Buffer.from(row.der, 'hex')),
        type: row.type,
        issuedAt: row.issued_at,
        // tongban's own certificates (its CAs', its services') have no holder.
        ...(row.uscc ? { holder: `enterprise:${row.uscc}` as const } : {}),
      }));
    },
  },
  licence: {
    table: 'licences',
    idColumn: 'id',
    async read(executor, ids) {
      const rows = await executor.query<
        {
          id: string;
          type: string;
          holder_kind: 'citizen' | 'enterprise';
          holder_ref: string;
          issuer: string;
          issuer_code: string;
          issued_at: string;
        }[]
      >(
        `SELECT id, type, holder_kind, holder_ref, issuer_client AS issuer, issuer_code, ${issuedAt('created_at')}
         FROM licences WHERE id IN ${IDS}`,
        [JSON.stringify(ids)],
      );
      return rows.map((row) => ({
        kind: 'licence',
        id: row.id,
        issuer: row.issuer,
        issuerCode: row.issuer_code,
        type: row.type,
        issuedAt: row.issued_at,
        holder: `${row.holder_kind}:${row.holder_ref}` as const,
      }));
    },
  },
  seal: {
    table: 'seals',
    idColumn: 'es_id',
    async read(executor, ids) {
      const rows = await executor.query<{ id: string; type: string; uscc: string; issuer: string; issued_at: string }[]>(
        `SELECT es_id AS id, type::text AS type, uscc, maker_kid AS issuer, ${issuedAt('created_at')} FROM seals WHERE es_id IN ${IDS}`,
        [JSON.stringify(ids)],
      );
      return rows.map((row) => ({
        kind: 'seal',
        id: row.id,
        issuer: row.issuer,
        type: row.type,
        issuedAt: row.issued_at,
        holder: `enterprise:${row.uscc}` as const,
      }));
    },
  },
};

/** The items of one kind with these identifiers, as stored; identifiers of no stored item are left out. */
export function readItems(executor: Executor, kind: IssuanceKind, ids: readonly string[]): Promise<IssuedItem[]> {
  return ids.length ? SOURCES[kind].read(executor, ids) : Promise.resolve([]);
}

/** Up to `limit` identifiers of stored items of one kind that have no entry in the log, oldest first. */
export async function unloggedIds(executor: Executor, kind: IssuanceKind, limit: number): Promise<string[]> {
  const { table, idColumn } = SOURCES[kind];
  const rows = await executor.query<{ id: string }[]>(
    `SELECT t.${idColumn} AS id FROM ${table} t
     WHERE NOT EXISTS (SELECT 1 FROM issuance_entries e WHERE e.kind = $1 AND e.item_id = t.${idColumn})
     ORDER BY t.created_at, t.${idColumn} LIMIT $2`,
    [kind, limit],
  );
  return rows.map((row) => row.id);
}

/** The issuing CA's name: its CN (the whole name when it has none). */
function caName(der: Buffer): string {
  try {
    const { issuer } = parseCertificate(der);
    return issuer.commonName ?? nameText(issuer);
  } catch {
    return 'unknown';
  }
}
