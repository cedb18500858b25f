/** The licences' Token Status Lists: allocation of entries, and the signed lists served at /api/v1/status-lists/{n}. */
export {
  STATUS_LIST_CAPACITY,
  STATUS_LIST_FRESH_MS,
  STATUS_LIST_SIZE,
  STATUS_LIST_TTL_SECONDS,
  StatusListsService,
  type StatusEntry,
  type StatusListToken,
} from './status-lists.service.js';
export { StatusSigner, type StatusSigningKey } from './status-signer.js';
