/**
 * The controller user's name, read once per process: os.userInfo() asks the password database
 * every time (nscd, /etc/passwd), and every connection wants it (Match localuser, %u, the
 * keeper's request).
 */
import { userInfo } from 'node:os';

let name: string | undefined;

/** The name of the user this process runs as. */
export function localUserName(): string {
  name ??= userInfo().username;
  return name;
}
