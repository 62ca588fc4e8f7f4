/**
 * Silent stand-in for the `debug` package inside mqtt.js and mqtt-packet (saves ~6 KB).
 * Their log calls become no-ops; to trace mqtt.js, run the Node tests with DEBUG=mqttjs*.
 */
interface Debugger {
  (...args: unknown[]): void;
  enabled: boolean;
  namespace: string;
  extend(sub: string): Debugger;
}

function createDebug(namespace: string): Debugger {
  const log = ((): void => {}) as Debugger;
  log.enabled = false;
  log.namespace = namespace;
  log.extend = (sub: string) => createDebug(`${namespace}:${sub}`);
  return log;
}

createDebug.enable = (): void => {};
createDebug.disable = (): string => '';
createDebug.enabled = (): boolean => false;

export default createDebug;
