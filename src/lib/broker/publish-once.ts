/**
 * A stranger's one message (the security chapter's "Publish as a stranger"): connect as a new
 * client, publish once at QoS 1, leave. What no broker accepts is refused before connecting,
 * with the reason. A broker that refuses a PUBLISH closes the connection (MQTT 3.1.1 §4.8)
 * and never sends the PUBACK the client waits for, so the wait has a limit.
 */
import { connectBroker } from './connect';
import { topicNameError } from './direct-bus';
import { utf8Length } from '../signalling/topics';

/** Largest payload the form sends. The lab itself refuses anything over 64 KiB. */
export const MAX_STRANGER_PAYLOAD_BYTES = 1024 * 1024;
export const STRANGER_TIMEOUT_MS = 5000;

export interface StrangerMessage {
  broker: string;
  clientId: string;
  topic: string;
  payload: string;
  timeoutMs?: number;
}

/** Why this message cannot be sent, or null. */
export function strangerProblem(topic: string, payload: string): string | null {
  const bad = topicNameError(topic);
  if (bad) return `${bad}.`;
  const bytes = utf8Length(payload);
  if (bytes > MAX_STRANGER_PAYLOAD_BYTES) {
    return `The payload is ${bytes.toLocaleString('en-US')} bytes; this form sends at most ${MAX_STRANGER_PAYLOAD_BYTES.toLocaleString('en-US')} (the lab refuses anything over 64 KiB anyway).`;
  }
  return null;
}

/** Publishes the message and resolves with what happened, in words; rejects with the reason it was not sent. */
export async function publishOnce(m: StrangerMessage): Promise<string> {
  const problem = strangerProblem(m.topic, m.payload);
  if (problem) throw new Error(problem);
  const timeoutMs = m.timeoutMs ?? STRANGER_TIMEOUT_MS;
  const conn = await connectBroker({ broker: m.broker, clientId: m.clientId, connectTimeoutMs: timeoutMs });
  let timer: ReturnType<typeof setTimeout> | undefined;
  try {
    await new Promise<void>((resolve, reject) => {
      timer = setTimeout(
        () => reject(new Error(`no PUBACK within ${timeoutMs / 1000} s. The broker may have refused the message and closed the connection (MQTT 3.1.1 §4.8).`)),
        timeoutMs,
      );
      conn.client.publish(m.topic, m.payload, { qos: 1, retain: false }, (err) => (err ? reject(err) : resolve()));
    });
  } finally {
    clearTimeout(timer);
    await conn.close().catch(() => {});
  }
  const shown = m.topic.length > 120 ? `${m.topic.slice(0, 120)}…` : m.topic;
  return `${m.clientId} published ${utf8Length(m.payload)} bytes on ${shown}, and left.`;
}
