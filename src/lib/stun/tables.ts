/**
 * What the numbers in a STUN message mean: methods, classes, attribute types, error codes.
 * Data only; annotate.ts walks the bytes and looks the words up here. Section numbers are
 * RFC 8489 (STUN) unless another RFC is named; refUrl() turns a ref into a link.
 */

export const MAGIC_COOKIE = 0x2112a442;
/** FINGERPRINT is CRC-32 XOR this ("STUN" in ASCII), RFC 8489 §14.7. */
export const FINGERPRINT_XOR = 0x5354554e;
export const HEADER_SIZE = 20;

export type StunClass = 'request' | 'indication' | 'success response' | 'error response';

/** Class bits C1 C0 → class (§5). */
export const CLASSES: readonly { name: StunClass; meaning: string }[] = [
  { name: 'request', meaning: 'asks for an answer; the answer carries the same transaction ID' },
  { name: 'indication', meaning: 'a one-way message: no answer is expected' },
  { name: 'success response', meaning: 'answers a request: it worked' },
  { name: 'error response', meaning: 'answers a request: it failed; ERROR-CODE says why' },
];

export interface MethodInfo {
  name: string;
  ref: string;
  meaning: string;
}

/** Methods (§18.2 and the IANA registry); TURN's from RFC 8656 §17. */
export const METHODS: Readonly<Record<number, MethodInfo>> = {
  0x001: { name: 'Binding', ref: 'RFC 8489 §3', meaning: 'what address do my packets come from? Also ICE\'s connectivity check and keep-alive' },
  0x003: { name: 'Allocate', ref: 'RFC 8656 §7', meaning: 'TURN: give me a relayed address' },
  0x004: { name: 'Refresh', ref: 'RFC 8656 §8', meaning: 'TURN: keep my allocation alive (or end it with lifetime 0)' },
  0x006: { name: 'Send', ref: 'RFC 8656 §11', meaning: 'TURN: relay this data to a peer' },
  0x007: { name: 'Data', ref: 'RFC 8656 §11', meaning: 'TURN: data a peer sent to the relayed address' },
  0x008: { name: 'CreatePermission', ref: 'RFC 8656 §9', meaning: 'TURN: accept packets from these peer addresses' },
  0x009: { name: 'ChannelBind', ref: 'RFC 8656 §12', meaning: 'TURN: use a short channel number for one peer' },
  0x00a: { name: 'Connect', ref: 'RFC 6062 §4.3', meaning: 'TURN over TCP: open a TCP connection to a peer' },
  0x00b: { name: 'ConnectionBind', ref: 'RFC 6062 §4.4', meaning: 'TURN over TCP: attach a data connection' },
  0x00c: { name: 'ConnectionAttempt', ref: 'RFC 6062 §4.4', meaning: 'TURN over TCP: a peer wants to connect' },
};

export type Decoder =
  | 'address'
  | 'xor-address'
  | 'text'
  | 'username'
  | 'empty'
  | 'u32'
  | 'lifetime'
  | 'priority'
  | 'tie-breaker'
  | 'fingerprint'
  | 'integrity'
  | 'integrity-sha256'
  | 'error-code'
  | 'unknown-attributes'
  | 'requested-transport'
  | 'change-request'
  | 'channel-number'
  | 'goog-network-info'
  | 'bytes';

export interface AttributeInfo {
  name: string;
  ref: string;
  /** What the attribute is for, in plain words. */
  meaning: string;
  decode: Decoder;
  /** Fixed value length in bytes, when the spec fixes one. */
  size?: number;
}

/** Attribute types (§18.3 and the IANA registry). Everything else is "not recognised". */
export const ATTRIBUTES: Readonly<Record<number, AttributeInfo>> = {
  0x0001: { name: 'MAPPED-ADDRESS', ref: 'RFC 8489 §14.1', decode: 'address', meaning: 'The address the request came from, as the server saw it, not XOR-ed. Kept for old (RFC 3489) clients: some NATs rewrite any 4 bytes that look like their public address, which is why XOR-MAPPED-ADDRESS exists.' },
  0x0002: { name: 'RESPONSE-ADDRESS', ref: 'RFC 3489 §11.2.2', decode: 'address', meaning: 'Old RFC 3489 attribute: where to send the response. Removed in RFC 5389.' },
  0x0003: { name: 'CHANGE-REQUEST', ref: 'RFC 5780 §7.2', decode: 'change-request', size: 4, meaning: 'NAT behaviour discovery: asks the server to answer from another IP address and/or port.' },
  0x0004: { name: 'SOURCE-ADDRESS', ref: 'RFC 3489 §11.2.5', decode: 'address', meaning: 'Old RFC 3489 attribute: where the server sent the response from. Replaced by RESPONSE-ORIGIN.' },
  0x0005: { name: 'CHANGED-ADDRESS', ref: 'RFC 3489 §11.2.3', decode: 'address', meaning: 'Old RFC 3489 attribute: the server\'s other address. Replaced by OTHER-ADDRESS.' },
  0x0006: { name: 'USERNAME', ref: 'RFC 8489 §14.3', decode: 'username', meaning: 'Who is asking: picks the password that MESSAGE-INTEGRITY is keyed with.' },
  0x0008: { name: 'MESSAGE-INTEGRITY', ref: 'RFC 8489 §14.5', decode: 'integrity', size: 20, meaning: 'HMAC-SHA1 of the message up to here, keyed with the password: proves the sender knows it and that nothing was changed.' },
  0x0009: { name: 'ERROR-CODE', ref: 'RFC 8489 §14.8', decode: 'error-code', meaning: 'Why the request failed: a number and a reason phrase.' },
  0x000a: { name: 'UNKNOWN-ATTRIBUTES', ref: 'RFC 8489 §14.9', decode: 'unknown-attributes', meaning: 'In a 420 error: the comprehension-required attributes the server did not understand.' },
  0x000c: { name: 'CHANNEL-NUMBER', ref: 'RFC 8656 §18.1', decode: 'channel-number', size: 4, meaning: 'TURN: a channel number (0x4000–0x4FFF) for one peer.' },
  0x000d: { name: 'LIFETIME', ref: 'RFC 8656 §18.2', decode: 'lifetime', size: 4, meaning: 'TURN: how long the allocation lasts unless refreshed.' },
  0x0012: { name: 'XOR-PEER-ADDRESS', ref: 'RFC 8656 §18.3', decode: 'xor-address', meaning: 'TURN: a peer\'s address, XOR-ed like XOR-MAPPED-ADDRESS.' },
  0x0013: { name: 'DATA', ref: 'RFC 8656 §18.4', decode: 'bytes', meaning: 'TURN: the application data being relayed.' },
  0x0014: { name: 'REALM', ref: 'RFC 8489 §14.9', decode: 'text', meaning: 'Long-term credentials: the name of the "protection domain" the username and password belong to.' },
  0x0015: { name: 'NONCE', ref: 'RFC 8489 §14.10', decode: 'text', meaning: 'Long-term credentials: a one-off value chosen by the server; the client must send it back with its credentials, so old requests cannot be replayed.' },
  0x0016: { name: 'XOR-RELAYED-ADDRESS', ref: 'RFC 8656 §18.5', decode: 'xor-address', meaning: 'TURN: the relayed address the server allocated: the relay candidate.' },
  0x0017: { name: 'REQUESTED-ADDRESS-FAMILY', ref: 'RFC 8656 §18.6', decode: 'bytes', size: 4, meaning: 'TURN: ask for an IPv4 (0x01) or IPv6 (0x02) relayed address.' },
  0x0018: { name: 'EVEN-PORT', ref: 'RFC 8656 §18.7', decode: 'bytes', size: 1, meaning: 'TURN: ask for an even relayed port (for RTP).' },
  0x0019: { name: 'REQUESTED-TRANSPORT', ref: 'RFC 8656 §18.8', decode: 'requested-transport', size: 4, meaning: 'TURN: the transport between the server and peers; 17 = UDP.' },
  0x001a: { name: 'DONT-FRAGMENT', ref: 'RFC 8656 §18.9', decode: 'empty', size: 0, meaning: 'TURN: set the "don\'t fragment" bit on relayed packets.' },
  0x001c: { name: 'MESSAGE-INTEGRITY-SHA256', ref: 'RFC 8489 §14.6', decode: 'integrity-sha256', meaning: 'Like MESSAGE-INTEGRITY, with HMAC-SHA256.' },
  0x001d: { name: 'PASSWORD-ALGORITHM', ref: 'RFC 8489 §14.12', decode: 'bytes', meaning: 'The algorithm the client picked to hash its long-term password.' },
  0x001e: { name: 'USERHASH', ref: 'RFC 8489 §14.4', decode: 'bytes', meaning: 'A hash of the username and realm, instead of the username itself.' },
  0x0020: { name: 'XOR-MAPPED-ADDRESS', ref: 'RFC 8489 §14.2', decode: 'xor-address', meaning: 'The answer to the Binding question: the address and port the request came from, as the server saw it, XOR-ed with the magic cookie.' },
  0x0022: { name: 'RESERVATION-TOKEN', ref: 'RFC 8656 §18.10', decode: 'bytes', size: 8, meaning: 'TURN: a token for a relayed port kept back by EVEN-PORT.' },
  0x0024: { name: 'PRIORITY', ref: 'RFC 8445 §7.1.1', decode: 'priority', size: 4, meaning: 'ICE: the priority the sender would give a peer-reflexive candidate learned from this check.' },
  0x0025: { name: 'USE-CANDIDATE', ref: 'RFC 8445 §7.1.2', decode: 'empty', size: 0, meaning: 'ICE: the controlling agent nominates this pair: "let us use it".' },
  0x0026: { name: 'PADDING', ref: 'RFC 5780 §7.6', decode: 'bytes', meaning: 'NAT behaviour discovery: filler, to test fragmentation.' },
  0x0027: { name: 'RESPONSE-PORT', ref: 'RFC 5780 §7.5', decode: 'bytes', size: 4, meaning: 'NAT behaviour discovery: answer to this port instead.' },
  0x8000: { name: 'ADDITIONAL-ADDRESS-FAMILY', ref: 'RFC 8656 §18.11', decode: 'bytes', size: 4, meaning: 'TURN: ask for a second relayed address, of the other family.' },
  0x8001: { name: 'ADDRESS-ERROR-CODE', ref: 'RFC 8656 §18.12', decode: 'bytes', meaning: 'TURN: why one address family could not be allocated.' },
  0x8002: { name: 'PASSWORD-ALGORITHMS', ref: 'RFC 8489 §14.11', decode: 'bytes', meaning: 'The password hash algorithms the server accepts.' },
  0x8003: { name: 'ALTERNATE-DOMAIN', ref: 'RFC 8489 §14.16', decode: 'text', meaning: 'The domain name of the alternate server, for TLS.' },
  0x8004: { name: 'ICMP', ref: 'RFC 8656 §18.13', decode: 'bytes', size: 8, meaning: 'TURN: an ICMP error a peer sent back.' },
  0x8022: { name: 'SOFTWARE', ref: 'RFC 8489 §14.14', decode: 'text', meaning: 'Which software sent the message. Free text, for debugging.' },
  0x8023: { name: 'ALTERNATE-SERVER', ref: 'RFC 8489 §14.15', decode: 'address', meaning: 'With error 300: try this server instead.' },
  0x8028: { name: 'FINGERPRINT', ref: 'RFC 8489 §14.7', decode: 'fingerprint', size: 4, meaning: 'CRC-32 of the message up to here, XOR 0x5354554E. Tells STUN apart from other packets on the same port (RTP, DTLS).' },
  0x8029: { name: 'ICE-CONTROLLED', ref: 'RFC 8445 §7.1.3', decode: 'tie-breaker', size: 8, meaning: 'ICE: the sender thinks it is the controlled agent (it waits to be told which pair to use).' },
  0x802a: { name: 'ICE-CONTROLLING', ref: 'RFC 8445 §7.1.3', decode: 'tie-breaker', size: 8, meaning: 'ICE: the sender thinks it is the controlling agent (it picks the pair).' },
  0x802b: { name: 'RESPONSE-ORIGIN', ref: 'RFC 5780 §7.3', decode: 'address', meaning: 'NAT behaviour discovery: the address the server sent this response from.' },
  0x802c: { name: 'OTHER-ADDRESS', ref: 'RFC 5780 §7.4', decode: 'address', meaning: 'NAT behaviour discovery: the server\'s second address, for tests that need answers from elsewhere.' },
  // Google's own comprehension-optional attributes, sent by libwebrtc (Chromium). Not in the IANA registry.
  0xc057: { name: 'GOOG-NETWORK-INFO', ref: 'libwebrtc', decode: 'goog-network-info', size: 4, meaning: 'Chromium\'s own attribute (not registered with IANA): the id and the cost of the network the check was sent on.' },
  0xc058: { name: 'GOOG-LAST-ICE-CHECK-RECEIVED', ref: 'libwebrtc', decode: 'bytes', meaning: 'Chromium\'s own attribute: the transaction ID of the last check it received.' },
  0xc059: { name: 'GOOG-MISC-INFO', ref: 'libwebrtc', decode: 'bytes', meaning: 'Chromium\'s own attribute: a list of small numbers for extensions.' },
  0xc060: { name: 'GOOG-MESSAGE-INTEGRITY-32', ref: 'libwebrtc', decode: 'bytes', size: 4, meaning: 'Chromium\'s own attribute: MESSAGE-INTEGRITY cut to 32 bits.' },
};

/** Error codes (§14.8, RFC 8656 §19, RFC 8445 §7.3.1.1, RFC 6062 §6.3). */
export const ERROR_CODES: Readonly<Record<number, { name: string; meaning: string; ref: string }>> = {
  300: { name: 'Try Alternate', ref: 'RFC 8489 §14.8', meaning: 'Use the server in ALTERNATE-SERVER instead.' },
  400: { name: 'Bad Request', ref: 'RFC 8489 §14.8', meaning: 'The request was malformed.' },
  401: { name: 'Unauthenticated', ref: 'RFC 8489 §9.2.4', meaning: 'No credentials, or wrong ones. With long-term credentials the server sends a REALM and a NONCE: the client retries with USERNAME, REALM, NONCE and MESSAGE-INTEGRITY. (RFC 5389 called it "Unauthorized".)' },
  403: { name: 'Forbidden', ref: 'RFC 8656 §19', meaning: 'TURN: the credentials are fine, but this is not allowed (coturn says "Forbidden IP" for a peer address it refuses).' },
  405: { name: 'Mobility Forbidden', ref: 'RFC 8016 §3.4', meaning: 'TURN mobility is not allowed.' },
  420: { name: 'Unknown Attribute', ref: 'RFC 8489 §14.8', meaning: 'The request had comprehension-required attributes the server does not know; they are listed in UNKNOWN-ATTRIBUTES.' },
  437: { name: 'Allocation Mismatch', ref: 'RFC 8656 §19', meaning: 'TURN: an Allocate for an allocation that already exists, or a request for one that does not.' },
  438: { name: 'Stale Nonce', ref: 'RFC 8489 §14.8', meaning: 'The NONCE is no longer valid: retry with the new one from this response.' },
  440: { name: 'Address Family not Supported', ref: 'RFC 8656 §19', meaning: 'TURN: the server cannot relay for that address family.' },
  441: { name: 'Wrong Credentials', ref: 'RFC 8656 §19', meaning: 'TURN: the credentials differ from the ones the allocation was made with.' },
  442: { name: 'Unsupported Transport Protocol', ref: 'RFC 8656 §19', meaning: 'TURN: the server does not relay that transport.' },
  443: { name: 'Peer Address Family Mismatch', ref: 'RFC 8656 §19', meaning: 'TURN: the peer address is of the wrong family for this allocation.' },
  446: { name: 'Connection Already Exists', ref: 'RFC 6062 §6.3', meaning: 'TURN over TCP: there is already a connection to that peer.' },
  447: { name: 'Connection Timeout or Failure', ref: 'RFC 6062 §6.3', meaning: 'TURN over TCP: the connection to the peer failed.' },
  486: { name: 'Allocation Quota Reached', ref: 'RFC 8656 §19', meaning: 'TURN: this user has too many allocations.' },
  487: { name: 'Role Conflict', ref: 'RFC 8445 §7.3.1.1', meaning: 'ICE: both agents think they are controlling (or both controlled); switch roles and retry.' },
  500: { name: 'Server Error', ref: 'RFC 8489 §14.8', meaning: 'The server had a temporary problem; try again.' },
  508: { name: 'Insufficient Capacity', ref: 'RFC 8656 §19', meaning: 'TURN: the server has no relayed ports left.' },
};

/** ICE type preferences (RFC 8445 §5.1.2.2), for reading PRIORITY. */
export const TYPE_PREFERENCES: Readonly<Record<number, string>> = {
  126: 'host',
  110: 'peer-reflexive',
  100: 'server-reflexive',
  0: 'relayed',
};

/** What a message of this class and method is for; looked up as "method:class", then "*:class". */
export const ABOUT: Readonly<Record<string, { text: string; ref: string }>> = {
  '1:request': { text: 'A Binding request asks one question: "from which address and port did this packet reach you?" Between ICE agents it is also the connectivity check.', ref: 'RFC 8489 §3' },
  '1:success response': { text: 'The answer to a Binding request. Its XOR-MAPPED-ADDRESS is the public address the NAT gave the asker: the server-reflexive candidate.', ref: 'RFC 8489 §3' },
  '1:error response': { text: 'A Binding request failed. ERROR-CODE says why.', ref: 'RFC 8489 §6.3.4' },
  '1:indication': { text: 'A Binding indication: a keep-alive that expects no answer. It keeps a NAT binding open.', ref: 'RFC 8489 §3' },
  '3:request': { text: 'A TURN Allocate request: "give me a relayed address on your server".', ref: 'RFC 8656 §7.1' },
  '3:success response': { text: 'The allocation exists: XOR-RELAYED-ADDRESS is the relay candidate, XOR-MAPPED-ADDRESS the server-reflexive one.', ref: 'RFC 8656 §7.3' },
  '3:error response': { text: 'The Allocate request failed. A first 401 is normal: it brings the REALM and NONCE the client needs to sign its retry.', ref: 'RFC 8656 §7.2' },
  '*:request': { text: 'A STUN request: it expects a response with the same transaction ID.', ref: 'RFC 8489 §6' },
  '*:indication': { text: 'A STUN indication: no response is expected.', ref: 'RFC 8489 §6' },
  '*:success response': { text: 'A STUN success response.', ref: 'RFC 8489 §6.3' },
  '*:error response': { text: 'A STUN error response: ERROR-CODE says why.', ref: 'RFC 8489 §6.3' },
};

const RFC_REF = /^RFC (\d+)(?: §([\d.]+))?$/;

/** "RFC 8489 §14.2" → https://www.rfc-editor.org/rfc/rfc8489#section-14.2; anything else → null. */
export function refUrl(ref: string): string | null {
  const m = RFC_REF.exec(ref);
  if (!m) return null;
  return `https://www.rfc-editor.org/rfc/rfc${m[1]}${m[2] ? `#section-${m[2]}` : ''}`;
}
