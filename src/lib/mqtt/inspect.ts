/**
 * What the message inspector says about a signalling message's MQTT flags. Protocol rules,
 * kept out of the component: QoS holds per hop (MQTT 3.1.1 §4.3), and a subscriber receives
 * RETAIN 1 only for a message the broker stored earlier (§3.3.1.3).
 */
import { QOS } from './fields';

/** A message as the inspector shows it: received through the broker (held) or as published. */
export interface InspectedFlags {
  held: boolean;
  retain: boolean;
  kind: string;
}

/** "at least once: acknowledged by PUBACK". */
export function qosMeaning(qos: number): string {
  const q = QOS[qos];
  return q ? `${q.name}: ${q.acks}` : `QoS ${qos} does not exist`;
}

/** Whether publishing it again should retain it: a will arrives as a status, and statuses are retained. */
export function republishRetained(m: InspectedFlags): boolean {
  return m.retain || (m.held && m.kind === 'status');
}

/** Why a received message carries RETAIN, or null when there is nothing to say. */
export function retainNote(m: InspectedFlags): string | null {
  return m.held && m.retain ? 'the broker stored this message and replayed it to a subscriber that joined later.' : null;
}
