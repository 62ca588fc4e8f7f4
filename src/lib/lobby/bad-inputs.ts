/**
 * The bad input the lobby lab can send, as a data table: what p4 does, and the close the
 * server answers with (server.js's reasons, see protocol.ts CLOSE). mesh-session.ts acts it out.
 */
import { CLOSE, type CloseReason } from './protocol';

export type BadInputKind = 'not-json' | 'unknown-type' | 'other-lobby' | 'sealed-lobby';

export interface BadInput {
  kind: BadInputKind;
  /** The button's name. */
  label: string;
  /** What p4 does, in one sentence. */
  how: string;
  /** What the server answers: it closes p4's connection with this code and reason. */
  expect: CloseReason;
  /** 'own': p4 first creates a lobby of its own and waits for the JOIN echo; 'none': it sends on open. */
  join: 'none' | 'own';
}

// #region bad-inputs
export const BAD_INPUTS: readonly BadInput[] = [
  { kind: 'not-json', label: 'Not JSON', how: 'p4 connects and sends the text "hello, server".', expect: CLOSE.INVALID_FORMAT, join: 'none' },
  {
    kind: 'unknown-type',
    label: 'Unknown type',
    how: 'p4 creates a lobby of its own, then sends a message of type 42.',
    expect: CLOSE.INVALID_CMD,
    join: 'own',
  },
  {
    kind: 'other-lobby',
    label: 'Relay to another lobby',
    how: "p4 creates a lobby of its own, then sends an OFFER addressed to p2's id, which is in the mesh lobby.",
    expect: CLOSE.INVALID_DEST,
    join: 'own',
  },
  {
    kind: 'sealed-lobby',
    label: 'Join the sealed lobby',
    how: "After p1 sealed the mesh lobby, p4 connects and sends JOIN with its name.",
    expect: CLOSE.LOBBY_IS_SEALED,
    join: 'none',
  },
];
// #endregion bad-inputs
