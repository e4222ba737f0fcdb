/**
 * What every `ccr` command shares: how it prints (plain lines for people, one JSON document
 * with `--json` for scripts), its progress bars (on stderr, only on a terminal, never with
 * `--json`), its exit codes, and how it signs in to the portal.
 */
import promptPassword from '@inquirer/password';
import { ArcGISIdentityManager, type IAuthenticationManager } from '@esri/arcgis-rest-request';
import { SingleBar, Presets } from 'cli-progress';
import type { Command } from 'commander';
import { toAppError } from '../client/arcgis-request.js';
import { AppError, ErrorCode } from '../core/errors.js';

/** Exit codes: done; done but something needs attention (drift, refused rows); bad usage. */
export const EXIT = { ok: 0, attention: 1, usage: 2, failed: 3 } as const;

export interface CliIo {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly out: (line: string) => void;
  readonly err: (line: string) => void;
  /** Whether stderr is a terminal (progress bars are drawn only there). */
  readonly interactive: boolean;
}

export const PROCESS_IO: CliIo = {
  env: process.env,
  out: (line) => process.stdout.write(`${line}\n`),
  err: (line) => process.stderr.write(`${line}\n`),
  interactive: Boolean(process.stderr.isTTY),
};

/** Options every command that talks to the portal takes. */
export interface PortalOptions {
  readonly portal: string;
  readonly username?: string;
  readonly token?: string;
  readonly json?: boolean;
}

/** Adds `--portal`, `--username`, `--token` and `--json` to a command. */
export function withPortalOptions(command: Command): Command {
  return command
    .requiredOption(
      '--portal <url>',
      'the portal: https://city.maps.arcgis.com or http://127.0.0.1:8080/arcgis',
    )
    .option('--username <name>', 'sign in as this user (password from CCR_PASSWORD or a prompt)')
    .option('--token <token>', 'use this token instead of signing in')
    .option('--json', 'print one JSON document instead of lines');
}

/** `https://city.maps.arcgis.com` → `https://city.maps.arcgis.com/sharing/rest`. */
export function sharingUrl(portal: string): string {
  const base = portal.replace(/\/+$/, '');
  return base.endsWith('/sharing/rest') ? base : `${base}/sharing/rest`;
}

/** Signs in with a username and password, or takes the token given; throws a usage error otherwise. */
export async function signIn(options: PortalOptions, io: CliIo): Promise<IAuthenticationManager> {
  const portal = sharingUrl(options.portal);
  try {
    if (options.token)
      // The token's expiry is not known here: it is used until a service refuses it (without
      // one, arcgis-rest-js fails before asking a federated server for its token).
      return await ArcGISIdentityManager.fromToken({
        token: options.token,
        portal,
        tokenExpires: new Date(Date.now() + 24 * 3_600_000),
      });
    if (!options.username)
      throw new AppError(ErrorCode.InvalidInput, 'Give --username (or --token).', [], {
        field: 'username',
      });
    const password =
      io.env.CCR_PASSWORD ??
      (io.interactive
        ? await promptPassword({ message: `Password for ${options.username}:`, mask: true })
        : undefined);
    if (!password)
      throw new AppError(ErrorCode.InvalidInput, 'Set CCR_PASSWORD (no terminal to ask on).', [], {
        field: 'password',
      });
    return await ArcGISIdentityManager.signIn({ username: options.username, password, portal });
  } catch (error) {
    throw toAppError(error);
  }
}

/** A progress bar on stderr, or nothing (no terminal, or `--json`). */
export interface Progress {
  start(total: number, label: string): void;
  tick(by?: number): void;
  stop(): void;
}

export function progress(io: CliIo, json: boolean | undefined): Progress {
  if (!io.interactive || json) return { start() {}, tick() {}, stop() {} };
  const bar = new SingleBar(
    { format: '{label} [{bar}] {value}/{total}', stream: process.stderr, hideCursor: true },
    Presets.shades_classic,
  );
  return {
    start: (total, label) => bar.start(total, 0, { label }),
    tick: (by = 1) => bar.increment(by),
    stop: () => bar.stop(),
  };
}

/** Prints a failure in plain words (never a stack trace) and returns its exit code. */
export function failure(io: CliIo, error: unknown, json: boolean | undefined): number {
  const app = error instanceof AppError ? error : toAppError(error);
  const usage = app instanceof AppError && app.code === ErrorCode.InvalidInput && app.field;
  const body =
    app instanceof AppError
      ? { ok: false, code: app.code, message: app.message, field: app.field, details: app.details }
      : { ok: false, code: ErrorCode.Service, message: String(app) };
  if (json) io.out(JSON.stringify(body));
  else io.err(`ccr: ${body.message}${body.field ? ` (${body.field})` : ''}`);
  return usage ? EXIT.usage : EXIT.failed;
}
