// Every file the server and the CLI write (the SQLite data file and its companions, backups, exports) holds a
// circle's messages, and the data file holds the sign-on secrets too: only the user running the server may
// read them. Modes are set when a file is created, not after (a chmod after the fact leaves a moment in which
// another user can open it, and an open file stays readable), and no path is ever followed through a symbolic
// link that someone else could have planted.
import { chmodSync, closeSync, constants, fchmodSync, fsyncSync, linkSync, lstatSync, mkdirSync, mkdtempSync, openSync, renameSync, rmSync, statSync } from 'node:fs';
import path from 'node:path';
import { HearthError } from '@hearth/protocol';

/** Read and write for the owner only. */
export const PRIVATE_FILE_MODE = 0o600;
/** A directory only its owner can list or enter. */
export const PRIVATE_DIR_MODE = 0o700;

/** The files SQLite keeps beside a data file while it is open (or after a crash). */
const SQLITE_COMPANIONS = ['-wal', '-shm', '-journal'];

/**
 * Creates `file` empty and private unless something (even a dangling symbolic link) is already there.
 * O_EXCL makes the check and the creation one step; the mode is set on the open descriptor, since the umask
 * may have taken bits from the mode given to open. Returns whether it created the file.
 */
function createPrivateFile(file: string): boolean {
  let fd: number;
  try {
    fd = openSync(file, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | constants.O_NOFOLLOW, PRIVATE_FILE_MODE);
  } catch (error) {
    if ((error as NodeJS.ErrnoException).code === 'EEXIST') return false;
    throw error;
  }
  try {
    fchmodSync(fd, PRIVATE_FILE_MODE);
  } finally {
    closeSync(fd);
  }
  return true;
}

/** A file SQLite or an earlier version left readable by other users, and the mode it had. */
export interface TightenedFile {
  file: string;
  /** The mode it had, in octal (`0644`). */
  mode: string;
  /** False when the mode could not be changed (the file belongs to another user): it is still readable by others. */
  tightened: boolean;
}

/**
 * Makes a SQLite data file private before SQLite opens it: a missing directory is created 0700, a missing
 * file is created 0600 — SQLite gives the -wal and -shm files it creates the main file's mode, so they are
 * private too — and an existing file or companion that other users may read is tightened to 0600 (an older
 * Hearth created them world-readable). Returns the files found readable by others, for the caller to log.
 */
export function preparePrivateDataFile(file: string): TightenedFile[] {
  // SQLite's own names for a store without a file.
  if (file === '' || file === ':memory:' || file.startsWith('file:')) return [];
  const dir = path.dirname(file);
  if (!existsNoFollow(dir)) mkdirSync(dir, { recursive: true, mode: PRIVATE_DIR_MODE });
  if (!createPrivateFile(file)) {
    // Something is there. An operator may link the data file elsewhere on purpose, but a link to nothing
    // would have SQLite create the file wherever it points, world-readable.
    try {
      statSync(file);
    } catch {
      throw new HearthError('invalid', `the data file ${file} is a symbolic link to nothing: point --data at the file itself`);
    }
  }
  const tightened: TightenedFile[] = [];
  for (const candidate of [file, ...SQLITE_COMPANIONS.map((suffix) => file + suffix)]) {
    let mode: number;
    try {
      mode = statSync(candidate).mode & 0o777;
    } catch {
      continue;
    }
    if ((mode & 0o077) === 0) continue;
    let changed = true;
    try {
      chmodSync(candidate, PRIVATE_FILE_MODE);
    } catch {
      // Not ours to change (another user owns it): say so rather than refuse to start on a file we can use.
      changed = false;
    }
    tightened.push({ file: candidate, mode: `0${mode.toString(8)}`, tightened: changed });
  }
  return tightened;
}

/**
 * Writes the new private file `out` through `produce`, which writes a file at the path it is given: that path
 * lies in a fresh 0700 directory beside `out`, already created empty with mode 0600, so nobody else can open
 * the file while it is written. The finished file is synced and then put at `out` in one step (a link or a
 * rename in the same directory), which never writes through a symbolic link at `out`.
 *
 * `replace: false`: an existing `out` of any kind (a dangling link too) is an error, and is checked before
 * `produce` runs as well as when the file is put in place. `replace: true`: an existing regular file is
 * replaced; a symbolic link or anything else at `out` is still an error.
 */
export async function writePrivateFile(out: string, produce: (file: string) => void | Promise<void>, options: { replace: boolean }): Promise<void> {
  checkDestination(out, options.replace);
  const temp = mkdtempSync(path.join(path.dirname(out), '.hearth-'));
  try {
    const file = path.join(temp, path.basename(out));
    createPrivateFile(file);
    await produce(file);
    // `produce` may have replaced the file rather than written into it.
    chmodSync(file, PRIVATE_FILE_MODE);
    const fd = openSync(file, constants.O_RDONLY | constants.O_NOFOLLOW);
    try {
      fsyncSync(fd);
    } finally {
      closeSync(fd);
    }
    if (options.replace) {
      checkDestination(out, true);
      // A link planted after the check is replaced itself; rename never writes to where it points.
      renameSync(file, out);
    } else {
      try {
        linkSync(file, out);
      } catch (error) {
        if ((error as NodeJS.ErrnoException).code === 'EEXIST') throw alreadyThere(out);
        throw error;
      }
    }
  } finally {
    rmSync(temp, { recursive: true, force: true });
  }
}

function checkDestination(out: string, replace: boolean): void {
  let stat;
  try {
    stat = lstatSync(out);
  } catch {
    return;
  }
  if (stat.isSymbolicLink()) throw new HearthError('invalid', `${out} is a symbolic link: give the path of a new file (nothing is written through a link)`);
  if (!replace) throw alreadyThere(out);
  if (!stat.isFile()) throw new HearthError('invalid', `${out} is not a regular file`);
}

const alreadyThere = (out: string) => new HearthError('conflict', `${out} already exists: give the path of a new file`);

function existsNoFollow(file: string): boolean {
  try {
    lstatSync(file);
    return true;
  } catch {
    return false;
  }
}
