/**
 * Every limit the labs put on what arrives from a broker or a lobby server, in one table.
 * Anyone can publish on a shared root, under any topic and any claimed `from`, so a limit
 * keyed on a topic or a sender is multiplied away by using a thousand of them (issue 14:
 * 500 statuses on 500 topics once put 1,000 messages in the queue). What an attacker cannot
 * multiply is the recipient: each limit below is per recipient, or per recipient and sender
 * under a total per recipient.
 */

export interface Rate {
  /** Tokens added per second. */
  ratePerS: number;
  /** Most tokens a bucket holds: how many may arrive at once. */
  burst: number;
}

export interface FloodLimits {
  /**
   * Per recipient and claimed sender (the `from` a message names, or the peer its status
   * topic names). A real peer sends a status, or an offer with a dozen candidates, in one go.
   */
  sender: Rate;
  /**
   * Per recipient, everything from senders it does not expect, summed: what a flood from
   * thousands of ids may add per second. Expected senders (the lab's own peers, the peer a
   * device talks to) are held to their sender budget only, so a flood does not starve them.
   */
  recipient: Rate;
  /**
   * Most items held for one recipient from senders it does not expect, and again from those
   * it does: Step is by hand, so a queue left alone must not grow. Also the most held apart
   * (foreign or suspicious) for one recipient: those are never stepped at all.
   */
  held: number;
  /**
   * Most items held for one recipient from the senders it expects. The reader may publish
   * hundreds of chats before stepping (the bench's 500-chat run); a forged `from` naming an
   * expected peer gets this allowance too, at its sender rate, so it is bounded all the same.
   */
  heldExpected: number;
  /** How long one summary of drops covers, from its first drop (ms). */
  windowMs: number;
  /** What one item is called in a summary ("812 messages dropped"). */
  noun: string;
  /** Who a sender budget is for, in a summary ("over 10/s, bursts of 20 from one sender"). */
  senderIs: string;
}

export const LIMITS = {
  /** The MQTT labs (two peers in one page, one peer per device), per recipient peer. */
  mqtt: {
    sender: { ratePerS: 10, burst: 20 },
    // Each status a flood gets through is a row in the sequence diagram, whose drawing costs
    // the page most: these let 30 through at once, then 5 a second, and keep 50 at most.
    recipient: { ratePerS: 5, burst: 30 },
    held: 50,
    heldExpected: 1000,
    windowMs: 1000,
    noun: 'message',
    senderIs: 'one sender',
  },
  /**
   * The lobby lab, per client: every frame comes from the one server it is connected to, so
   * the client is both. A mesh of three sends each client about 30 frames to connect.
   */
  lobby: {
    sender: { ratePerS: 30, burst: 80 },
    recipient: { ratePerS: 30, burst: 80 },
    held: 150,
    heldExpected: 150,
    windowMs: 1000,
    noun: 'frame',
    senderIs: 'the server',
  },
  /**
   * Peers the two-device lab lists as its roster. A status beyond it pushes out the peer
   * heard from longest ago (offline ones first), so newcomers still show.
   */
  roster: 32,
} as const satisfies { mqtt: FloodLimits; lobby: FloodLimits; roster: number };
