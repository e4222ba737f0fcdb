/** `manage_code_hash` of a registration, computed in core so `ccr` and browsers agree with it. */
export { hashManageCode } from '../../core/change-requests/manage-code-hash.js';
