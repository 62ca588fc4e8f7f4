/**
 * What each byte of an MQTT control packet means: the data table behind annotate.ts.
 * Sections are given for MQTT 3.1.1 (OASIS Standard, 2014) and, where the field exists
 * there, MQTT 5.0 (OASIS Standard, 2019). Plain text only: the UI renders it as text.
 */

/** Protocol level byte of CONNECT (3.1.1 §3.1.2.2): 3 = MQTT 3.1, 4 = 3.1.1, 5 = 5.0. */
export type ProtocolLevel = 3 | 4 | 5;

export const SPEC_URL: Record<ProtocolLevel, string> = {
  3: 'https://docs.oasis-open.org/mqtt/mqtt/v3.1.1/os/mqtt-v3.1.1-os.html',
  4: 'https://docs.oasis-open.org/mqtt/mqtt/v3.1.1/os/mqtt-v3.1.1-os.html',
  5: 'https://docs.oasis-open.org/mqtt/mqtt/v5.0/os/mqtt-v5.0-os.html',
};

/** "MQTT 3.1.1 §3.1.2.5". MQTT 3.1 has the same layout; it is cited from 3.1.1. */
export function specRef(level: ProtocolLevel, section: string): string {
  return `${level === 5 ? 'MQTT 5.0' : 'MQTT 3.1.1'} §${section}`;
}

export interface FieldInfo {
  name: string;
  meaning: string;
  /** Section in MQTT 3.1.1. */
  v4: string;
  /** Section in MQTT 5.0, where it differs. */
  v5?: string;
}

/** Every field the annotator names. Value-specific sentences live in the tables below. */
export const FIELDS = {
  // Fixed header, §2.2
  'header.byte': {
    name: 'Packet type and flags',
    meaning: 'The first byte of every MQTT packet. The high 4 bits are the packet type; the low 4 bits are flags whose meaning depends on the type.',
    v4: '2.2',
    v5: '2.1.1',
  },
  'header.type': { name: 'Packet type', meaning: '', v4: '2.2.1', v5: '2.1.2' },
  'header.reserved-flags': {
    name: 'Reserved flags',
    meaning: 'Fixed by the spec for this packet type. A receiver that sees other values must close the connection.',
    v4: '2.2.2',
    v5: '2.1.3',
  },
  'header.dup': { name: 'DUP', meaning: '', v4: '3.3.1.1', v5: '3.3.1.1' },
  'header.qos': { name: 'QoS', meaning: '', v4: '3.3.1.2', v5: '3.3.1.2' },
  'header.retain': { name: 'RETAIN', meaning: '', v4: '3.3.1.3', v5: '3.3.1.3' },
  'header.remaining-length': {
    name: 'Remaining length',
    meaning:
      'How many bytes follow this field: the variable header and the payload together. Each byte carries 7 bits of the number, lowest 7 bits first; a set top bit (0x80) means another length byte follows. At most 4 bytes, so a packet body is at most 268,435,455 bytes.',
    v4: '2.2.3',
    v5: '2.1.4',
  },

  // CONNECT, §3.1
  'connect.protocol-name-length': {
    name: 'Protocol name length',
    meaning: 'Length of the protocol name that follows. Every MQTT string starts with a 2-byte big-endian length (§1.5.3).',
    v4: '3.1.2.1',
    v5: '3.1.2.1',
  },
  'connect.protocol-name': {
    name: 'Protocol name',
    meaning: 'Always "MQTT" (MQTT 3.1 used "MQIsdp"). A server that sees anything else may close the connection: this is not an MQTT client.',
    v4: '3.1.2.1',
    v5: '3.1.2.1',
  },
  'connect.level': {
    name: 'Protocol level',
    meaning: 'The protocol revision the client speaks. If the server does not support it, it answers CONNACK with return code 1 (unacceptable protocol version) and closes.',
    v4: '3.1.2.2',
    v5: '3.1.2.2',
  },
  'connect.flags': {
    name: 'Connect flags',
    meaning: 'Eight one-bit switches: which optional fields the payload contains, how the will is published, and whether the session starts fresh.',
    v4: '3.1.2.3',
    v5: '3.1.2.3',
  },
  'connect.flag.username': { name: 'User name flag', meaning: '', v4: '3.1.2.8', v5: '3.1.2.8' },
  'connect.flag.password': { name: 'Password flag', meaning: '', v4: '3.1.2.9', v5: '3.1.2.9' },
  'connect.flag.will-retain': { name: 'Will retain', meaning: '', v4: '3.1.2.7', v5: '3.1.2.7' },
  'connect.flag.will-qos': { name: 'Will QoS', meaning: '', v4: '3.1.2.6', v5: '3.1.2.6' },
  'connect.flag.will': { name: 'Will flag', meaning: '', v4: '3.1.2.5', v5: '3.1.2.5' },
  'connect.flag.clean': { name: 'Clean session', meaning: '', v4: '3.1.2.4', v5: '3.1.2.4' },
  'connect.flag.reserved': {
    name: 'Reserved',
    meaning: 'Must be 0. A server that sees 1 must close the connection.',
    v4: '3.1.2.3',
    v5: '3.1.2.3',
  },
  'connect.keep-alive': {
    name: 'Keep alive',
    meaning:
      'The longest silence, in seconds, the client promises between two packets it sends. With nothing else to send it sends PINGREQ. If the server hears nothing for one and a half times this, it closes the connection, and a will, if any, is published. 0 turns keep-alive off.',
    v4: '3.1.2.10',
    v5: '3.1.2.10',
  },
  'connect.properties': { name: 'CONNECT properties', meaning: 'MQTT 5 settings for this connection.', v4: '', v5: '3.1.2.11' },
  'connect.client-id-length': { name: 'Client identifier length', meaning: 'Length of the client identifier, 2 bytes big-endian.', v4: '3.1.3.1', v5: '3.1.3.1' },
  'connect.client-id': {
    name: 'Client identifier',
    meaning:
      'Names the client to the server; the session is kept under this name. If a second connection arrives with the same identifier, the server closes the first one. An empty identifier asks the server to assign one (clean sessions only in 3.1.1).',
    v4: '3.1.3.1',
    v5: '3.1.3.1',
  },
  'connect.will-properties': { name: 'Will properties', meaning: 'MQTT 5 settings for the will message.', v4: '', v5: '3.1.3.2' },
  'connect.will-topic-length': { name: 'Will topic length', meaning: 'Length of the will topic, 2 bytes big-endian.', v4: '3.1.3.2', v5: '3.1.3.3' },
  'connect.will-topic': {
    name: 'Will topic',
    meaning: 'The topic the server publishes the will message on, if this connection ends without a DISCONNECT.',
    v4: '3.1.3.2',
    v5: '3.1.3.3',
  },
  'connect.will-message-length': { name: 'Will message length', meaning: 'Length of the will message, 2 bytes big-endian.', v4: '3.1.3.3', v5: '3.1.3.4' },
  'connect.will-message': {
    name: 'Will message',
    meaning:
      'The "last will": the server holds it for the whole connection and publishes it for the client if the connection drops without a DISCONNECT (network error, keep-alive timeout, a pulled plug). After a DISCONNECT the server discards it.',
    v4: '3.1.3.3',
    v5: '3.1.3.4',
  },
  'connect.username-length': { name: 'User name length', meaning: 'Length of the user name, 2 bytes big-endian.', v4: '3.1.3.4', v5: '3.1.3.5' },
  'connect.username': { name: 'User name', meaning: 'For the server to authenticate and authorise the client.', v4: '3.1.3.4', v5: '3.1.3.5' },
  'connect.password-length': { name: 'Password length', meaning: 'Length of the password, 2 bytes big-endian.', v4: '3.1.3.5', v5: '3.1.3.6' },
  'connect.password': {
    name: 'Password',
    meaning: 'Sent as it is, not hashed: anyone who can read the connection can read it, unless the connection uses TLS (wss://). Not shown here, but its bytes are in the hex.',
    v4: '3.1.3.5',
    v5: '3.1.3.6',
  },

  // CONNACK, §3.2
  'connack.flags': {
    name: 'Connect acknowledge flags',
    meaning: 'Bits 7–1 are reserved and must be 0; bit 0 is Session Present.',
    v4: '3.2.2.1',
    v5: '3.2.2.1',
  },
  'connack.flag.reserved': { name: 'Reserved', meaning: 'Must be 0.', v4: '3.2.2.1', v5: '3.2.2.1' },
  'connack.flag.session-present': { name: 'Session present', meaning: '', v4: '3.2.2.2', v5: '3.2.2.1.1' },
  'connack.return-code': { name: 'Connect return code', meaning: '', v4: '3.2.2.3', v5: '3.2.2.2' },
  'connack.properties': { name: 'CONNACK properties', meaning: "The server's MQTT 5 limits and settings for this connection.", v4: '', v5: '3.2.2.3' },

  // PUBLISH, §3.3
  'publish.topic-length': { name: 'Topic name length', meaning: 'Length of the topic name, 2 bytes big-endian.', v4: '3.3.2.1', v5: '3.3.2.1' },
  'publish.topic': {
    name: 'Topic name',
    meaning: 'Where the message is published. The server sends a copy to every client with a matching subscription. A topic name has no wildcards.',
    v4: '3.3.2.1',
    v5: '3.3.2.1',
  },
  'publish.packet-id': {
    name: 'Packet identifier',
    meaning:
      'Present only at QoS 1 and 2. The acknowledgement (PUBACK, or PUBREC at QoS 2) carries the same number. Each sender numbers its own packets, so the copy the broker delivers has a number of its own.',
    v4: '3.3.2.2',
    v5: '3.3.2.2',
  },
  'publish.properties': { name: 'PUBLISH properties', meaning: 'MQTT 5 metadata for this message.', v4: '', v5: '3.3.2.3' },
  'publish.payload': {
    name: 'Payload',
    meaning: 'The application message: any bytes, MQTT does not look inside. Its length is not sent; it is whatever the remaining length leaves after the variable header.',
    v4: '3.3.3',
    v5: '3.3.3',
  },

  // PUBACK, PUBREC, PUBREL, PUBCOMP, §3.4–3.7
  'puback.packet-id': { name: 'Packet identifier', meaning: 'The identifier of the QoS 1 PUBLISH being acknowledged.', v4: '3.4.2', v5: '3.4.2' },
  'pubrec.packet-id': { name: 'Packet identifier', meaning: 'The identifier of the QoS 2 PUBLISH that was received.', v4: '3.5.2', v5: '3.5.2' },
  'pubrel.packet-id': { name: 'Packet identifier', meaning: 'The identifier of the QoS 2 PUBLISH being released; the same as in its PUBREC.', v4: '3.6.2', v5: '3.6.2' },
  'pubcomp.packet-id': { name: 'Packet identifier', meaning: 'The identifier of the QoS 2 exchange being completed; it may now be reused.', v4: '3.7.2', v5: '3.7.2' },
  'puback.reason-code': { name: 'Reason code', meaning: 'The result of the PUBLISH.', v4: '', v5: '3.4.2.1' },
  'pubrec.reason-code': { name: 'Reason code', meaning: 'The result of the PUBLISH.', v4: '', v5: '3.5.2.1' },
  'pubrel.reason-code': { name: 'Reason code', meaning: 'The result of the release.', v4: '', v5: '3.6.2.1' },
  'pubcomp.reason-code': { name: 'Reason code', meaning: 'The result of the exchange.', v4: '', v5: '3.7.2.1' },
  'puback.properties': { name: 'PUBACK properties', meaning: 'Optional MQTT 5 diagnostics.', v4: '', v5: '3.4.2.2' },
  'pubrec.properties': { name: 'PUBREC properties', meaning: 'Optional MQTT 5 diagnostics.', v4: '', v5: '3.5.2.2' },
  'pubrel.properties': { name: 'PUBREL properties', meaning: 'Optional MQTT 5 diagnostics.', v4: '', v5: '3.6.2.2' },
  'pubcomp.properties': { name: 'PUBCOMP properties', meaning: 'Optional MQTT 5 diagnostics.', v4: '', v5: '3.7.2.2' },

  // SUBSCRIBE, §3.8
  'subscribe.packet-id': { name: 'Packet identifier', meaning: 'The SUBACK carries the same number.', v4: '3.8.2', v5: '3.8.2' },
  'subscribe.properties': { name: 'SUBSCRIBE properties', meaning: 'MQTT 5 settings for these subscriptions.', v4: '', v5: '3.8.2.1' },
  'subscribe.filter-length': { name: 'Topic filter length', meaning: 'Length of the topic filter, 2 bytes big-endian.', v4: '3.8.3', v5: '3.8.3' },
  'subscribe.filter': {
    name: 'Topic filter',
    meaning: 'A topic pattern. "+" matches exactly one level and "#" (last) matches all the levels below (§4.7.1).',
    v4: '3.8.3',
    v5: '3.8.3',
  },
  'subscribe.options': {
    name: 'Requested QoS',
    meaning: 'The highest QoS at which the client wants messages on this filter. The server may grant less; SUBACK says what it granted.',
    v4: '3.8.3',
    v5: '3.8.3.1',
  },
  'subscribe.option.reserved': { name: 'Reserved', meaning: 'Must be 0.', v4: '3.8.3', v5: '3.8.3.1' },
  'subscribe.option.qos': { name: 'Requested QoS', meaning: '', v4: '3.8.3', v5: '3.8.3.1' },
  'subscribe.option.nl': { name: 'No Local', meaning: '', v4: '', v5: '3.8.3.1' },
  'subscribe.option.rap': { name: 'Retain As Published', meaning: '', v4: '', v5: '3.8.3.1' },
  'subscribe.option.rh': { name: 'Retain Handling', meaning: '', v4: '', v5: '3.8.3.1' },

  // SUBACK, §3.9
  'suback.packet-id': { name: 'Packet identifier', meaning: 'The identifier of the SUBSCRIBE being answered.', v4: '3.9.2', v5: '3.9.2' },
  'suback.properties': { name: 'SUBACK properties', meaning: 'Optional MQTT 5 diagnostics.', v4: '', v5: '3.9.2.1' },
  'suback.return-code': { name: 'Return code', meaning: 'One per topic filter, in the order of the SUBSCRIBE.', v4: '3.9.3', v5: '3.9.3' },

  // UNSUBSCRIBE and UNSUBACK, §3.10–3.11
  'unsubscribe.packet-id': { name: 'Packet identifier', meaning: 'The UNSUBACK carries the same number.', v4: '3.10.2', v5: '3.10.2' },
  'unsubscribe.properties': { name: 'UNSUBSCRIBE properties', meaning: 'Optional MQTT 5 user properties.', v4: '', v5: '3.10.2.1' },
  'unsubscribe.filter-length': { name: 'Topic filter length', meaning: 'Length of the topic filter, 2 bytes big-endian.', v4: '3.10.3', v5: '3.10.3' },
  'unsubscribe.filter': {
    name: 'Topic filter',
    meaning: 'A subscription to cancel. It must be exactly the filter that was subscribed, character for character.',
    v4: '3.10.3',
    v5: '3.10.3',
  },
  'unsuback.packet-id': { name: 'Packet identifier', meaning: 'The identifier of the UNSUBSCRIBE being answered.', v4: '3.11.2', v5: '3.11.2' },
  'unsuback.properties': { name: 'UNSUBACK properties', meaning: 'Optional MQTT 5 diagnostics.', v4: '', v5: '3.11.2.1' },
  'unsuback.reason-code': { name: 'Reason code', meaning: 'One per topic filter, in the order of the UNSUBSCRIBE.', v4: '', v5: '3.11.3' },

  // DISCONNECT and AUTH (MQTT 5 adds a body)
  'disconnect.reason-code': { name: 'Disconnect reason code', meaning: 'Why the connection is being closed.', v4: '', v5: '3.14.2.1' },
  'disconnect.properties': { name: 'DISCONNECT properties', meaning: 'Optional MQTT 5 details.', v4: '', v5: '3.14.2.2' },
  'auth.reason-code': { name: 'Authenticate reason code', meaning: 'Where the authentication exchange stands.', v4: '', v5: '3.15.2.1' },
  'auth.properties': { name: 'AUTH properties', meaning: 'The authentication method and data.', v4: '', v5: '3.15.2.2' },

  // MQTT 5 properties, §2.2.2
  'properties.length': {
    name: 'Properties length',
    meaning: 'How many bytes of properties follow, as a variable byte integer (7 bits per byte, like the remaining length). 0 means none.',
    v4: '',
    v5: '2.2.2.1',
  },
  property: { name: 'Property', meaning: '', v4: '', v5: '2.2.2.2' },

  // Anything else
  'body.unknown': {
    name: 'Body of a reserved packet type',
    meaning: 'The layout of a reserved type is not defined, so these bytes cannot be decoded.',
    v4: '2.2.1',
    v5: '2.1.2',
  },
  'body.unexpected': {
    name: 'Unexpected bytes',
    meaning: 'The remaining length includes bytes that this packet type does not define.',
    v4: '2.2.3',
    v5: '2.1.4',
  },
  'body.missing': {
    name: 'Missing bytes',
    meaning: 'The remaining length promises more bytes than the capture holds.',
    v4: '2.2.3',
    v5: '2.1.4',
  },
  'body.undecoded': {
    name: 'Not decoded',
    meaning: 'The annotation stopped at the problem above, so these bytes are shown but not explained.',
    v4: '2.2.3',
    v5: '2.1.4',
  },
  trailing: {
    name: 'Bytes after the packet',
    meaning: 'The remaining length says the packet ends before these bytes. On a live connection they would be the start of the next packet.',
    v4: '2.2.3',
    v5: '2.1.4',
  },
} as const satisfies Record<string, FieldInfo>;

export type FieldId = keyof typeof FIELDS;

/** How a packet type's 4 flag bits are used (3.1.1 §2.2.2 Table 2.2). */
export type FlagRule = { kind: 'publish' } | { kind: 'fixed'; value: number } | { kind: 'forbidden' };

export interface PacketTypeInfo {
  name: string;
  /** Who sends it. */
  from: 'client' | 'server' | 'both';
  /** What the packet is for, in a sentence or three. */
  about: string;
  v4: string;
  v5?: string;
  flags: FlagRule;
}

const fixed = (value: number): FlagRule => ({ kind: 'fixed', value });

/** Control packet types by the high nibble of the first byte, 3.1.1 §2.2.1 Table 2.1. */
export const PACKET_TYPES: readonly PacketTypeInfo[] = [
  { name: 'RESERVED', from: 'both', about: 'Type 0 is reserved: no valid MQTT packet starts with 0x0_.', v4: '2.2.1', v5: '2.1.2', flags: { kind: 'forbidden' } },
  {
    name: 'CONNECT',
    from: 'client',
    about:
      'The first packet a client sends on a new connection: who it is, which protocol it speaks, how long it may stay silent, and its last will. Nothing else may be sent before it, and it is sent only once per connection.',
    v4: '3.1',
    v5: '3.1',
    flags: fixed(0),
  },
  {
    name: 'CONNACK',
    from: 'server',
    about: "The server's answer to CONNECT: accepted, or refused and why. It is always the first packet the server sends.",
    v4: '3.2',
    v5: '3.2',
    flags: fixed(0),
  },
  {
    name: 'PUBLISH',
    from: 'both',
    about:
      'An application message on a topic. A client sends it to the broker, and the broker sends a copy to every client whose subscription matches the topic. The low 4 bits of the first byte carry DUP, QoS and RETAIN.',
    v4: '3.3',
    v5: '3.3',
    flags: { kind: 'publish' },
  },
  {
    name: 'PUBACK',
    from: 'both',
    about: 'Acknowledges a QoS 1 PUBLISH ("at least once"): the receiver has the message, so the sender stops resending it.',
    v4: '3.4',
    v5: '3.4',
    flags: fixed(0),
  },
  {
    name: 'PUBREC',
    from: 'both',
    about:
      'QoS 2 ("exactly once"), step 2 of 4: "publish received". The receiver has stored the packet identifier, so a resent copy will not be delivered twice. The sender answers PUBREL.',
    v4: '3.5',
    v5: '3.5',
    flags: fixed(0),
  },
  {
    name: 'PUBREL',
    from: 'both',
    about: 'QoS 2, step 3 of 4: "publish release". The sender has discarded the message; the receiver may now forget the identifier, and answers PUBCOMP.',
    v4: '3.6',
    v5: '3.6',
    flags: fixed(2),
  },
  {
    name: 'PUBCOMP',
    from: 'both',
    about: 'QoS 2, step 4 of 4: "publish complete". The exchange is over and the packet identifier can be reused.',
    v4: '3.7',
    v5: '3.7',
    flags: fixed(0),
  },
  {
    name: 'SUBSCRIBE',
    from: 'client',
    about: 'Asks the server to send this client every message published on topics that match one or more topic filters. Retained messages on matching topics are sent at once.',
    v4: '3.8',
    v5: '3.8',
    flags: fixed(2),
  },
  {
    name: 'SUBACK',
    from: 'server',
    about: "The server's answer to SUBSCRIBE: one return code per topic filter, in order, giving the QoS granted or a failure.",
    v4: '3.9',
    v5: '3.9',
    flags: fixed(0),
  },
  {
    name: 'UNSUBSCRIBE',
    from: 'client',
    about: 'Cancels subscriptions: the server stops sending messages for these topic filters.',
    v4: '3.10',
    v5: '3.10',
    flags: fixed(2),
  },
  { name: 'UNSUBACK', from: 'server', about: 'Confirms an UNSUBSCRIBE.', v4: '3.11', v5: '3.11', flags: fixed(0) },
  {
    name: 'PINGREQ',
    from: 'client',
    about:
      'Keep-alive: "I am still here." A client sends it when it has sent nothing else for the keep-alive interval of its CONNECT (§3.1.2.10). The server answers PINGRESP. Without any packet for 1.5 × keep alive, the server closes the connection and publishes the will.',
    v4: '3.12',
    v5: '3.12',
    flags: fixed(0),
  },
  {
    name: 'PINGRESP',
    from: 'server',
    about: 'The answer to PINGREQ: the server and the network path are alive. A client that waits too long for it should consider the connection broken and close it.',
    v4: '3.13',
    v5: '3.13',
    flags: fixed(0),
  },
  {
    name: 'DISCONNECT',
    from: 'client',
    about:
      'A clean goodbye: the last packet before the client closes the connection. The server then discards the will without publishing it (§3.14.4). The will is published only when a connection ends without a DISCONNECT, as when a plug is pulled or a keep-alive expires (§3.1.2.5).',
    v4: '3.14',
    v5: '3.14',
    flags: fixed(0),
  },
  { name: 'AUTH', from: 'both', about: 'Type 15 is reserved in MQTT 3.1.1. (In MQTT 5.0 it is AUTH, for extended authentication.)', v4: '2.2.1', v5: '3.15', flags: { kind: 'forbidden' } },
];

/** MQTT 5 AUTH, used instead of PACKET_TYPES[15] for level 5. */
export const AUTH_V5: PacketTypeInfo = {
  name: 'AUTH',
  from: 'both',
  about: 'MQTT 5 extended authentication: a challenge and response exchange (for example SCRAM) between CONNECT and CONNACK, or later to re-authenticate.',
  v4: '2.2.1',
  v5: '3.15',
  flags: fixed(0),
};

/** MQTT 5 lets the server send DISCONNECT too. */
export const DISCONNECT_V5_ABOUT =
  'Closes the connection, from either side, with a reason code. A client that closes with reason 0x00 has its will discarded; with 0x04 (Disconnect with Will Message) the server publishes the will anyway. A connection that ends without a DISCONNECT always fires the will.';

export const PROTOCOL_LEVELS: Record<number, string> = {
  3: 'MQTT 3.1 (protocol name "MQIsdp")',
  4: 'MQTT 3.1.1',
  5: 'MQTT 5.0',
};

/** QoS levels, 3.1.1 §4.3. */
export const QOS: Record<number, { name: string; meaning: string; acks: string; ref: string }> = {
  0: { name: 'at most once', meaning: 'Sent once, with no acknowledgement; it can be lost.', acks: 'no acknowledgement', ref: '4.3.1' },
  1: { name: 'at least once', meaning: 'The receiver answers PUBACK, and the sender resends until it does, so a copy may arrive twice.', acks: 'acknowledged by PUBACK', ref: '4.3.2' },
  2: { name: 'exactly once', meaning: 'A 4-step handshake: PUBLISH, PUBREC, PUBREL, PUBCOMP. The message is delivered once and only once.', acks: 'PUBREC, PUBREL, PUBCOMP', ref: '4.3.3' },
};

/** CONNACK return codes, 3.1.1 §3.2.2.3 Table 3.1. */
export const CONNACK_RETURN_CODES: Record<number, { name: string; meaning: string }> = {
  0: { name: 'Connection accepted', meaning: 'The client may now publish and subscribe.' },
  1: { name: 'Refused: unacceptable protocol version', meaning: 'The server does not support the protocol level the client asked for.' },
  2: { name: 'Refused: identifier rejected', meaning: 'The client identifier is valid UTF-8 but the server does not allow it.' },
  3: { name: 'Refused: server unavailable', meaning: 'The network connection was made, but the MQTT service is unavailable.' },
  4: { name: 'Refused: bad user name or password', meaning: 'The user name or password is malformed or wrong.' },
  5: { name: 'Refused: not authorized', meaning: 'The client is not authorised to connect.' },
};

/** SUBACK return codes, 3.1.1 §3.9.3. */
export const SUBACK_RETURN_CODES: Record<number, { name: string; meaning: string }> = {
  0x00: { name: 'Success, maximum QoS 0', meaning: 'Subscribed. Messages arrive at QoS 0, whatever QoS they were published with.' },
  0x01: { name: 'Success, maximum QoS 1', meaning: 'Subscribed. Messages arrive at QoS 1 at most (a QoS 0 message stays QoS 0).' },
  0x02: { name: 'Success, maximum QoS 2', meaning: 'Subscribed. Messages arrive at the QoS they were published with.' },
  0x80: { name: 'Failure', meaning: 'The server refused this subscription, for example because the client may not read these topics.' },
};

/** MQTT 5 reason codes, §2.4 Table 2-6. 0x00 is named by context (see reasonName). */
export const REASON_CODES_V5: Record<number, string> = {
  0x00: 'Success',
  0x01: 'Granted QoS 1',
  0x02: 'Granted QoS 2',
  0x04: 'Disconnect with Will Message',
  0x10: 'No matching subscribers',
  0x11: 'No subscription existed',
  0x18: 'Continue authentication',
  0x19: 'Re-authenticate',
  0x80: 'Unspecified error',
  0x81: 'Malformed Packet',
  0x82: 'Protocol Error',
  0x83: 'Implementation specific error',
  0x84: 'Unsupported Protocol Version',
  0x85: 'Client Identifier not valid',
  0x86: 'Bad User Name or Password',
  0x87: 'Not authorized',
  0x88: 'Server unavailable',
  0x89: 'Server busy',
  0x8a: 'Banned',
  0x8b: 'Server shutting down',
  0x8c: 'Bad authentication method',
  0x8d: 'Keep Alive timeout',
  0x8e: 'Session taken over',
  0x8f: 'Topic Filter invalid',
  0x90: 'Topic Name invalid',
  0x91: 'Packet Identifier in use',
  0x92: 'Packet Identifier not found',
  0x93: 'Receive Maximum exceeded',
  0x94: 'Topic Alias invalid',
  0x95: 'Packet too large',
  0x96: 'Message rate too high',
  0x97: 'Quota exceeded',
  0x98: 'Administrative action',
  0x99: 'Payload format invalid',
  0x9a: 'Retain not supported',
  0x9b: 'QoS not supported',
  0x9c: 'Use another server',
  0x9d: 'Server moved',
  0x9e: 'Shared Subscriptions not supported',
  0x9f: 'Connection rate exceeded',
  0xa0: 'Maximum connect time',
  0xa1: 'Subscription Identifiers not supported',
  0xa2: 'Wildcard Subscriptions not supported',
};

/** The name of MQTT 5 reason code 0x00 depends on the packet (§2.4). */
export function reasonName(code: number, packet: string): string {
  if (code === 0x00 && packet === 'SUBACK') return 'Granted QoS 0';
  if (code === 0x00 && packet === 'DISCONNECT') return 'Normal disconnection';
  return REASON_CODES_V5[code] ?? 'Unknown reason code';
}

export type PropertyType = 'byte' | 'two-byte' | 'four-byte' | 'varint' | 'string' | 'binary' | 'string-pair';

/** MQTT 5 properties, §2.2.2.2 Table 2-4. */
export const PROPERTIES_V5: Record<number, { name: string; type: PropertyType; meaning: string }> = {
  0x01: { name: 'Payload Format Indicator', type: 'byte', meaning: '0: the payload is unspecified bytes; 1: it is UTF-8 text.' },
  0x02: { name: 'Message Expiry Interval', type: 'four-byte', meaning: 'Seconds after which the server discards the message if it has not been delivered.' },
  0x03: { name: 'Content Type', type: 'string', meaning: 'What the payload is, for example a MIME type.' },
  0x08: { name: 'Response Topic', type: 'string', meaning: 'Where a request/response receiver should publish its answer.' },
  0x09: { name: 'Correlation Data', type: 'binary', meaning: 'Lets the requester match a response to its request.' },
  0x0b: { name: 'Subscription Identifier', type: 'varint', meaning: 'A number the client attaches to a subscription; deliveries that match it carry it back.' },
  0x11: { name: 'Session Expiry Interval', type: 'four-byte', meaning: 'Seconds the server keeps the session after the connection closes (0: it ends with the connection).' },
  0x12: { name: 'Assigned Client Identifier', type: 'string', meaning: 'The identifier the server chose, because the client sent an empty one.' },
  0x13: { name: 'Server Keep Alive', type: 'two-byte', meaning: 'The keep alive the server imposes, replacing the one in CONNECT.' },
  0x15: { name: 'Authentication Method', type: 'string', meaning: 'The extended authentication method in use.' },
  0x16: { name: 'Authentication Data', type: 'binary', meaning: 'Data for the authentication method.' },
  0x17: { name: 'Request Problem Information', type: 'byte', meaning: 'Whether the server may send Reason Strings and User Properties on failures.' },
  0x18: { name: 'Will Delay Interval', type: 'four-byte', meaning: 'Seconds the server waits after a drop before publishing the will; a quick reconnect cancels it.' },
  0x19: { name: 'Request Response Information', type: 'byte', meaning: 'Asks the server for Response Information in CONNACK.' },
  0x1a: { name: 'Response Information', type: 'string', meaning: 'A basis for response topics, from the server.' },
  0x1c: { name: 'Server Reference', type: 'string', meaning: 'Another server the client should use.' },
  0x1f: { name: 'Reason String', type: 'string', meaning: 'A human-readable diagnostic.' },
  0x21: { name: 'Receive Maximum', type: 'two-byte', meaning: 'How many QoS 1 and 2 messages the sender of this packet will process at once.' },
  0x22: { name: 'Topic Alias Maximum', type: 'two-byte', meaning: 'The highest topic alias the sender of this packet accepts (0: none).' },
  0x23: { name: 'Topic Alias', type: 'two-byte', meaning: 'A number that stands for the topic, to save bytes on later PUBLISH packets.' },
  0x24: { name: 'Maximum QoS', type: 'byte', meaning: 'The highest QoS the server supports.' },
  0x25: { name: 'Retain Available', type: 'byte', meaning: 'Whether the server supports retained messages.' },
  0x26: { name: 'User Property', type: 'string-pair', meaning: 'An application-defined name and value.' },
  0x27: { name: 'Maximum Packet Size', type: 'four-byte', meaning: 'The largest packet the sender of this packet accepts, in bytes.' },
  0x28: { name: 'Wildcard Subscription Available', type: 'byte', meaning: 'Whether the server supports + and # in subscriptions.' },
  0x29: { name: 'Subscription Identifier Available', type: 'byte', meaning: 'Whether the server supports subscription identifiers.' },
  0x2a: { name: 'Shared Subscription Available', type: 'byte', meaning: 'Whether the server supports shared subscriptions ($share/…).' },
};

/** Retain Handling values of MQTT 5 subscription options (§3.8.3.1). */
export const RETAIN_HANDLING: Record<number, string> = {
  0: 'Send retained messages when subscribing.',
  1: 'Send retained messages only if this subscription is new.',
  2: 'Do not send retained messages when subscribing.',
};
