/**
 * Bounds of what the copy-and-paste lab keeps (../copy-paste), shared with the trace importer
 * (../trace/export.ts) so a trace of the largest paste still imports.
 */

/** A vanilla data-channel offer is 1–3 KB; a pasted novel is not SDP. Bounds the SDP kept too. */
export const MAX_PASTE_BYTES = 64 * 1024;
/** Warnings a pasted description can get. */
export const MAX_PASTE_WARNINGS = 4;
/** A refusal's reason, as kept in the trace. */
export const MAX_PASTE_REASON = 1000;
