/**
 * NAT behaviours for the STUN chapter's model, in RFC 4787 terms: how a NAT picks the
 * public port for outgoing packets (mapping, §4.1) and which incoming packets it lets
 * through (filtering, §5). Data only; model.ts runs them.
 */

/** RFC 4787 §4.1 / §5: what a mapping or filter rule depends on. */
export type Behaviour = 'endpoint-independent' | 'address-dependent' | 'address-and-port-dependent';

export type NatKind = 'public' | 'forwarded' | 'full-cone' | 'address-restricted' | 'port-restricted' | 'symmetric' | 'vpn';

export interface NatInfo {
  /** For the select. */
  label: string;
  /** The RFC 3489 name, when there is one. */
  classic: string | null;
  /** null: no NAT at all. */
  mapping: Behaviour | null;
  /** 'open': a port forward lets everything in. null: no NAT. */
  filtering: Behaviour | 'open' | null;
  /** The peer's own (host) address is reachable from the internet. */
  hostPublic: boolean;
  /** What it does, in plain words. */
  about: string;
  ref: string;
}

export const NAT_ORDER: readonly NatKind[] = ['public', 'forwarded', 'full-cone', 'address-restricted', 'port-restricted', 'symmetric', 'vpn'];

export const NAT_KINDS: Readonly<Record<NatKind, NatInfo>> = {
  public: {
    label: 'No NAT (public address)',
    classic: null,
    mapping: null,
    filtering: null,
    hostPublic: true,
    about: 'The peer\'s own address is public, so its host candidate is reachable as it is. (A real host usually has a firewall too; the model leaves it open.)',
    ref: 'RFC 8445 §5.1.1.1',
  },
  forwarded: {
    label: 'Port forwarded',
    classic: 'static port forward',
    mapping: 'endpoint-independent',
    filtering: 'open',
    hostPublic: false,
    about: 'A router rule sends everything that arrives on one public port to this peer, and its packets leave from that same port. A browser picks random ports, so this needs an app that fixes its port, or a browser told to use a port range you forwarded.',
    ref: 'RFC 4787 §4.1',
  },
  'full-cone': {
    label: 'Full cone',
    classic: 'full cone',
    mapping: 'endpoint-independent',
    filtering: 'endpoint-independent',
    hostPublic: false,
    about: 'One public port per inside port, whatever the destination. Once the peer has sent anything from it, anyone may send to that public port.',
    ref: 'RFC 4787 §5',
  },
  'address-restricted': {
    label: 'Address-restricted cone',
    classic: 'restricted cone',
    mapping: 'endpoint-independent',
    filtering: 'address-dependent',
    hostPublic: false,
    about: 'One public port per inside port. Only hosts the peer has sent to may send back, from any of their ports.',
    ref: 'RFC 4787 §5',
  },
  'port-restricted': {
    label: 'Port-restricted cone',
    classic: 'port restricted cone',
    mapping: 'endpoint-independent',
    filtering: 'address-and-port-dependent',
    hostPublic: false,
    about: 'One public port per inside port. Only the exact address and port the peer has sent to may send back. Common in home routers.',
    ref: 'RFC 4787 §5',
  },
  symmetric: {
    label: 'Symmetric',
    classic: 'symmetric',
    mapping: 'address-and-port-dependent',
    filtering: 'address-and-port-dependent',
    hostPublic: false,
    about: 'A new public port for every destination, and only that destination may send back. So the port the STUN server saw is not the port a peer will see. Found in corporate and some mobile-carrier networks.',
    ref: 'RFC 4787 §4.1',
  },
  vpn: {
    label: 'VPN',
    classic: null,
    mapping: 'address-and-port-dependent',
    filtering: 'address-and-port-dependent',
    hostPublic: false,
    about: 'Packets go through a tunnel and leave from the VPN\'s server, which NATs them. The model treats that NAT as symmetric, as many VPN servers are; some VPNs block UDP altogether, and then only TURN over TCP or TLS gets through (outside this model).',
    ref: 'RFC 4787 §4.1',
  },
};

/** "address-and-port-dependent" → "address and port-dependent" style words for sentences. */
export const BEHAVIOUR_WORDS: Readonly<Record<Behaviour | 'open', string>> = {
  'endpoint-independent': 'endpoint-independent',
  'address-dependent': 'address-dependent',
  'address-and-port-dependent': 'address-and-port-dependent',
  open: 'forwarded: open to all',
};
