// Runs a command with Astro's telemetry off and the given NAME=value variables set, so that
// the npm scripts work alike in sh, cmd.exe and PowerShell (`NAME=value cmd` is sh only).
//
//   node scripts/run.mjs [NAME=value ...] command [args ...]
import { spawn } from 'node:child_process';

const args = process.argv.slice(2);
const env = { ...process.env, ASTRO_TELEMETRY_DISABLED: '1' };
while (args.length && /^[A-Za-z_][A-Za-z0-9_]*=/.test(args[0])) {
  const [name, ...value] = args.shift().split('=');
  env[name] = value.join('=');
}
if (!args.length) {
  console.error('usage: node scripts/run.mjs [NAME=value ...] command [args ...]');
  process.exit(2);
}

// On Windows the commands in node_modules/.bin are .cmd files, which only a shell starts
// (given one command line: Node deprecates separate args with shell: true).
const options = /** @type {const} */ ({ stdio: 'inherit', env });
const child = process.platform === 'win32'
  ? spawn(args.map((a) => (/[\s"]/.test(a) ? `"${a.replace(/"/g, '""')}"` : a)).join(' '), { ...options, shell: true })
  : spawn(args[0], args.slice(1), options);
// Ctrl-C reaches the child too; wait for it to finish rather than die first.
process.on('SIGINT', () => {});
process.on('SIGTERM', () => child.kill('SIGTERM'));
child.on('error', (e) => {
  console.error(`run.mjs: cannot start ${args[0]}: ${e.message}`);
  process.exit(1);
});
child.on('exit', (code, signal) => process.exit(code ?? (signal ? 1 : 0)));
