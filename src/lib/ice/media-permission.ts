/**
 * Asks for camera (else microphone) access only so that the browser reveals raw host IPs in
 * later ICE sessions (RFC 8828 §5.2; draft-ietf-mmusic-mdns-ice-candidates §3.1). The tracks
 * are stopped at once. `navigator.mediaDevices` is passed in, so tests pass a fake.
 */

export type MediaPermissionResult = 'granted' | 'denied' | 'unavailable';

export interface MediaDevicesLike {
  getUserMedia(constraints: MediaStreamConstraints): Promise<{ getTracks(): ReadonlyArray<{ stop(): void }> }>;
}

/** DOMException names from getUserMedia() (W3C mediacapture-streams) and what they mean here. */
export const GUM_ERRORS: Readonly<Record<string, MediaPermissionResult>> = {
  NotAllowedError: 'denied', // the user or a policy said no
  SecurityError: 'denied', // not a secure context, or blocked by Permissions-Policy
  NotFoundError: 'unavailable', // no such device
  NotReadableError: 'unavailable', // device busy or failed
  OverconstrainedError: 'unavailable',
  AbortError: 'unavailable',
};

export const MEDIA_RESULT_TEXT: Readonly<Record<MediaPermissionResult, string>> = {
  granted: 'Access granted (and the device released at once). The next lab session will show raw IP addresses in its host candidates.',
  denied: 'Access was denied, so host candidates stay hidden behind .local names. You can change this in the browser’s site settings.',
  unavailable: 'No camera or microphone could be opened here, so the browser keeps hiding host IP addresses.',
};

function errorName(err: unknown): string {
  return typeof err === 'object' && err !== null && typeof (err as { name?: unknown }).name === 'string' ? (err as { name: string }).name : '';
}

export async function requestMediaPermission(devices: MediaDevicesLike | undefined | null): Promise<MediaPermissionResult> {
  if (!devices || typeof devices.getUserMedia !== 'function') return 'unavailable';
  let last: MediaPermissionResult = 'unavailable';
  for (const constraints of [{ video: true }, { audio: true }] satisfies MediaStreamConstraints[]) {
    try {
      const stream = await devices.getUserMedia(constraints);
      for (const t of stream.getTracks()) t.stop();
      return 'granted';
    } catch (err) {
      last = GUM_ERRORS[errorName(err)] ?? 'unavailable';
      // Denied is final; a missing camera is worth one try with the microphone.
      if (last === 'denied') return last;
    }
  }
  return last;
}
