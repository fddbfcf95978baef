/**
 * Signed bearer tokens for the example servers, through `jose`: the authentication hook of
 * `appointment-scheduler/http` that reads `Authorization: Bearer <JWT>`, and a command that signs a token.
 *
 * The servers use it when `AUTH_JWT_SECRET` is set (at least 32 characters): HS256 tokens signed with that
 * secret, whose `sub` is the user id and whose optional `role` claim is `staff` or `service`. Tokens must
 * carry an expiry (`exp`). Without the variable the servers stay open, as the seed was.
 *
 * Sign a token (valid one hour) for user 42, for staff, or for a service worker:
 *
 * ```sh
 * AUTH_JWT_SECRET=… npx tsx examples/jwt-auth.ts 42
 * AUTH_JWT_SECRET=… npx tsx examples/jwt-auth.ts --role staff
 * ```
 */
import { realpathSync } from "node:fs";
import { fileURLToPath } from "node:url";
import { parseArgs } from "node:util";
import type { Authenticate, Principal } from "appointment-scheduler/http";
import { errors, jwtVerify, SignJWT } from "jose";

/** The shortest secret accepted: 256 bits, as HS256 needs (RFC 7518 §3.2). */
export const MIN_SECRET_LENGTH = 32;
const ALGORITHM = "HS256";

/** The secret as `jose` takes it, once it is long enough. */
function keyOf(secret: string): Uint8Array {
  if (typeof secret !== "string" || secret.length < MIN_SECRET_LENGTH) {
    throw new Error(`AUTH_JWT_SECRET must be at least ${MIN_SECRET_LENGTH} characters`);
  }
  return new TextEncoder().encode(secret);
}

/**
 * The hook: the principal of a valid token, `null` (401) for a missing, malformed, forged or expired one.
 *
 * @throws Error at once, for a secret shorter than {@link MIN_SECRET_LENGTH}.
 */
export function jwtAuthenticate(secret: string): Authenticate {
  const key = keyOf(secret);
  return async (headers) => {
    const token = /^Bearer ([A-Za-z0-9._~+/-]+=*)$/i.exec(headers.authorization ?? "")?.[1];
    if (token === undefined) return null;
    try {
      const { payload } = await jwtVerify(token, key, { algorithms: [ALGORITHM], requiredClaims: ["exp"] });
      return principalOf(payload.role, payload.sub);
    } catch (error) {
      // A token that does not verify is the client's problem (401); anything else is a bug, and is thrown.
      if (error instanceof errors.JOSEError) return null;
      throw error;
    }
  };
}

function principalOf(role: unknown, subject: string | undefined): Principal | null {
  if (role === "staff" || role === "service") return subject === undefined ? { role } : { role, subject };
  if ((role === undefined || role === "user") && subject) return { role: "user", userId: subject };
  return null;
}

/** A token for user `userId`, or for `role` staff or service, valid for `expiresIn` (default one hour). */
export function signToken(
  secret: string,
  claims: { userId?: string; role?: "user" | "staff" | "service"; expiresIn?: string },
): Promise<string> {
  const jwt = new SignJWT(claims.role && claims.role !== "user" ? { role: claims.role } : {})
    .setProtectedHeader({ alg: ALGORITHM })
    .setIssuedAt()
    .setExpirationTime(claims.expiresIn ?? "1h");
  if (claims.userId !== undefined) jwt.setSubject(claims.userId);
  return jwt.sign(keyOf(secret));
}

/** Run as a program: prints a token for the user id given, or for `--role staff|service`. */
async function main() {
  const { values, positionals } = parseArgs({
    allowPositionals: true,
    options: { role: { type: "string" }, expires: { type: "string" } },
  });
  const role = values.role ?? "user";
  const userId = positionals[0];
  if ((role !== "user" && role !== "staff" && role !== "service") || (role === "user" && userId === undefined)) {
    console.error("Usage: npx tsx examples/jwt-auth.ts <user id> | --role staff | --role service [--expires 1h]");
    process.exitCode = 1;
    return;
  }
  try {
    const token = await signToken(process.env.AUTH_JWT_SECRET ?? "", {
      role,
      ...(userId === undefined ? {} : { userId }),
      ...(values.expires === undefined ? {} : { expiresIn: values.expires }),
    });
    console.log(token);
  } catch (error) {
    console.error(error instanceof Error ? error.message : String(error));
    process.exitCode = 1;
  }
}

if (process.argv[1] && realpathSync(process.argv[1]) === realpathSync(fileURLToPath(import.meta.url))) await main();
