/**
 * An SVG path for a QR matrix: one `M x y h w v1 h-w z` rectangle per run of dark modules in
 * a row, offset by the quiet zone the spec asks for (ISO/IEC 18004 §6.3.8: 4 modules).
 */
export const QUIET_ZONE = 4;

export function qrPath(modules: readonly (readonly boolean[])[], quiet = QUIET_ZONE): string {
  let d = '';
  modules.forEach((row, y) => {
    let x = 0;
    while (x < row.length) {
      if (!row[x]) {
        x += 1;
        continue;
      }
      const start = x;
      while (x < row.length && row[x]) x += 1;
      d += `M${start + quiet} ${y + quiet}h${x - start}v1h-${x - start}z`;
    }
  });
  return d;
}

/** Width and height of the drawing in modules, quiet zone included. */
export function qrViewSize(modules: readonly (readonly boolean[])[], quiet = QUIET_ZONE): number {
  return modules.length + 2 * quiet;
}
