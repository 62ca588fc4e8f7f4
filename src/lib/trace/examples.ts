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
  { id: 'trickle', title: 'A whole session, trickle ICE', chapter: 'signalling', lab: 'lab/?autoplay=1' },
  { id: 'pull-the-plug', title: 'Bob pulls the plug: his last will', chapter: 'mqtt', lab: 'lab/?autoplay=1' },
];
