/**
 * The SharedWorker behind the "this browser's tabs" broker (see ./tabs.ts): every tab that
 * connects gets a port to the same hub. Loaded with Vite's `?sharedworker` import.
 */
import { TabsHub, type LocksLike, type PortLike } from './tabs';

interface ConnectEvent {
  ports: readonly PortLike[];
}

const scope = globalThis as unknown as { navigator?: { locks?: LocksLike }; onconnect: ((ev: ConnectEvent) => void) | null };
const hub = new TabsHub(scope.navigator?.locks ? { locks: scope.navigator.locks } : {});

scope.onconnect = (ev) => {
  const port = ev.ports[0];
  if (port) hub.attach(port);
};
