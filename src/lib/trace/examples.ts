/**
 * Example traces bundled with the site (public/traces/<id>.json), recorded from real
 * sessions by scripts/record-traces.mjs. A chapter can show a known exchange without
 * starting peers; the replay page lists them all.
 */
export interface ExampleTrace {
  id: string;
  title: string;
  /** The chapter it illustrates (its slug). */
  chapter: string;
  /** Lab URL (relative to the site root) that the recording ran, also "open in the live lab". */
  lab: string;
}

export const EXAMPLE_TRACES: readonly ExampleTrace[] = [
  { id: 'mqtt-will', title: 'Retained statuses, a QoS 2 message, and a last will', chapter: 'mqtt', lab: 'mqtt/' },
  { id: 'trickle', title: 'A whole session, trickle ICE', chapter: 'signalling', lab: 'lab/?autoplay=1' },
  { id: 'vanilla', title: 'Vanilla ICE: one offer, one answer, no candidate messages', chapter: 'signalling', lab: 'signalling/?ice-mode=vanilla' },
  { id: 'glare-polite', title: 'Glare, resolved by perfect negotiation', chapter: 'signalling', lab: 'signalling/?glare=polite' },
  { id: 'pull-the-plug', title: 'Bob pulls the plug after the channel opens', chapter: 'signalling', lab: 'lab/' },
  { id: 'drop-alice-hosts', title: "Alice's host candidates dropped: a peer-reflexive pair", chapter: 'ice', lab: 'ice/' },
  { id: 'srflx', title: 'A STUN server: server-reflexive candidates', chapter: 'stun', lab: 'stun/' },
  { id: 'relay', title: 'policy=relay through a TURN server', chapter: 'turn', lab: 'turn/?policy=relay' },
  { id: 'godot-demo', title: 'A Godot 3 demo peer and a browser peer, watched on one root', chapter: 'signalling', lab: 'lab/?mode=watch&root=crumble77' },
];

/** The examples a chapter shows, in list order. */
export function examplesFor(chapter: string): ExampleTrace[] {
  return EXAMPLE_TRACES.filter((e) => e.chapter === chapter);
}
