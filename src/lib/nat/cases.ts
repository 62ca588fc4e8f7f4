/**
 * "Which case are you in?": the deployments readers meet, each with what gathers, which
 * pair wins and what to configure, and the NAT model's settings that play it out. Data only;
 * cases.test.ts runs the model on each and checks it says what `expect` says.
 */
import type { ModelInput, SideConfig, VerdictKind } from './model';

export interface DeploymentCase {
  id: string;
  title: string;
  /** The model's settings for this case; null when the model cannot show it (see `gathers`). */
  input: ModelInput | null;
  /** What each peer gathers. */
  gathers: string;
  /** Which pair ICE ends up using, and why. */
  wins: string;
  /** What the reader has to set up. */
  configure: string;
  /** What the model says for `input`: its verdict, and the valid pair's types "alice-bob". */
  expect: { verdict: VerdictKind; pair: string | null } | null;
}

const side = (nat: SideConfig['nat'], stun = true, turn = false): SideConfig => ({ nat, stun, turn });

export const DEPLOYMENT_CASES: readonly DeploymentCase[] = [
  {
    id: 'lan',
    title: 'Both on the same LAN',
    input: { alice: side('port-restricted'), bob: side('port-restricted'), sameNetwork: true },
    gathers: 'A host candidate each (a private address), and a srflx one each if there is a STUN server.',
    wins: 'host ↔ host: the private addresses reach each other, and host pairs rank first.',
    configure: 'Nothing. A STUN server does no harm, and connects the same peers when one of them leaves the LAN.',
    expect: { verdict: 'direct', pair: 'host-host' },
  },
  {
    id: 'vpn',
    title: 'Both on the same VPN',
    input: { alice: side('vpn'), bob: side('vpn'), sameNetwork: true },
    gathers: 'A host candidate on the tunnel address (Chromium without camera permission gathers only on the default route, which is then the tunnel), and a srflx one from the VPN\'s exit.',
    wins: 'host ↔ host over the tunnel, as on a LAN.',
    configure: 'Nothing, as long as both are on the same VPN. On different VPNs, each behaves like a symmetric NAT: see below.',
    expect: { verdict: 'direct', pair: 'host-host' },
  },
  {
    id: 'forward',
    title: 'A port forward on one side, with STUN',
    input: { alice: side('forwarded'), bob: side('symmetric') },
    gathers: 'The forwarded side: host, and a srflx candidate that is the router\'s public address on the forwarded port. The other side: host and srflx.',
    wins: 'srflx ↔ prflx: the forwarded port lets in anything, even the new port a symmetric NAT picks, which becomes a peer-reflexive candidate.',
    configure: 'Forward one UDP port to the peer, make the app use that port (a browser picks a random one: only a native app, or a Chrome policy port range, can be pinned), and give it STUN to learn the public address.',
    expect: { verdict: 'direct', pair: 'srflx-prflx' },
  },
  {
    id: 'cgnat',
    title: 'Both behind symmetric NAT or carrier-grade NAT',
    input: { alice: side('symmetric'), bob: side('symmetric') },
    gathers: 'host and srflx each, but each srflx port is good only for the STUN server that saw it.',
    wins: 'Nothing direct: every check leaves from a new port that the other side\'s NAT never sent to. With TURN, a relay pair.',
    configure: 'A TURN server for at least one peer (TURN, the next chapter). Many mobile networks are carrier-grade NATs that behave this way.',
    expect: { verdict: 'turn-needed', pair: null },
  },
  {
    id: 'one-symmetric',
    title: 'One behind symmetric NAT, the other behind a home router that filters by port',
    input: { alice: side('symmetric'), bob: side('port-restricted') },
    gathers: 'host and srflx each.',
    wins: 'Nothing direct: alice\'s checks come from ports bob\'s router never sent to, and bob\'s go to the port alice\'s NAT opened for the STUN server only.',
    configure: 'TURN. (Against a full-cone or address-restricted router, the same symmetric NAT connects directly: try it in the model.)',
    expect: { verdict: 'turn-needed', pair: null },
  },
  {
    id: 'tcp443',
    title: 'A firewall that lets out only TCP to port 443',
    input: null,
    gathers: 'host candidates only, which the firewall keeps inside; no STUN answer ever comes back over UDP. The model leaves UDP blocking out, so it cannot show this case.',
    wins: 'A relay pair over TURN on TCP or TLS port 443, if a TURN server listens there.',
    configure: 'A TURN server on port 443 and an ICE server entry such as {"urls":"turns:turn.example.org:443?transport=tcp","username":"…","credential":"…"}.',
    expect: null,
  },
];
