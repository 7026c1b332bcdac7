// Standalone emulator: `npm run emulator -- --port N [--state FILE] [--throttle-scale X]`.
// Prints one JSON line with what a client needs, then serves until SIGINT/SIGTERM.
import { startEmulator } from './index';

function arg(name: string): string | undefined {
  const at = process.argv.indexOf(`--${name}`);
  return at >= 0 ? process.argv[at + 1] : undefined;
}

async function main(): Promise<void> {
  const port = arg('port');
  const stateFile = arg('state');
  const throttleScale = arg('throttle-scale');
  const emulator = await startEmulator({
    port: port ? Number(port) : 0,
    ...(stateFile ? { stateFile } : {}),
    ...(throttleScale ? { throttleScale: Number(throttleScale) } : {}),
  });
  const { graphEndpoint, authorityHost, tenantId, clientId, clientSecret, caFile } = emulator;
  process.stdout.write(`${JSON.stringify({ graphEndpoint, authorityHost, tenantId, clientId, clientSecret, caFile })}\n`);
  const stop = () => void emulator.close().then(() => process.exit(0));
  process.on('SIGINT', stop);
  process.on('SIGTERM', stop);
}

main().catch((err: unknown) => {
  process.stderr.write(`${String((err as Error)?.stack ?? err)}\n`);
  process.exit(1);
});
