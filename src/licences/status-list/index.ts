/**
 * Token Status List (draft-ietf-oauth-status-list) for tongban's licences: the bit array and its
 * JSON encoding (status-list.ts), the signed Status List Token (status-list-jwt.ts). A referenced
 * token (an SD-JWT VC) points into a list with `status: { status_list: { idx, uri } }`.
 */
export { DEFAULT_MAX_LIST_BYTES, StatusList, StatusListError, StatusType, type EncodedStatusList, type StatusBits } from './status-list.js';
export {
  readStatusListJwt,
  signStatusListJwt,
  STATUS_LIST_JWT_TYP,
  STATUS_LIST_MEDIA_TYPE,
  type ReadStatusListJwtOptions,
  type SignStatusListJwtInput,
  type StatusListToken,
} from './status-list-jwt.js';
