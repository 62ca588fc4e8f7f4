// Finding mosquitto and configuring a loopback broker: shared by the e2e fixture (mosquitto.ts)
// and the unit tests of src/lib/broker/connect.ts, so it imports nothing of Playwright's.
import { findExecutable } from './find-executable';

/** Path of the mosquitto binary: $MOSQUITTO_PATH, /usr/sbin/mosquitto, or mosquitto on PATH. */
export function findMosquitto(): string | undefined {
  return findExecutable('mosquitto', 'MOSQUITTO_PATH', ['/usr/sbin/mosquitto']);
}

/** mosquitto.conf for a loopback-only broker with an MQTT and a WebSocket listener. */
export function mosquittoConfig(mqttPort: number, wsPort: number, extra = ''): string {
  return [
    'allow_anonymous true',
    'persistence false',
    'log_dest stderr',
    'log_type error',
    'log_type warning',
    'log_type notice',
    'log_type information',
    // A config without a plain MQTT listener fails to start, so keep both.
    `listener ${mqttPort} 127.0.0.1`,
    'protocol mqtt',
    `listener ${wsPort} 127.0.0.1`,
    'protocol websockets',
    // Without this the websockets listener binds to all interfaces.
    'socket_domain ipv4',
    extra,
    '',
  ].join('\n');
}
