// `npm run reviewer -- <command>`: back-office accounts, kept in MongoDB (MONGODB_URL, MONGODB_DB).
//   add <name> [--role reviewer|senior_reviewer] [--display "Anna Berg"]   asks for the password
//   passwd <name> | role <name> <role> | disable <name> | enable <name> | list
// The password is read from the terminal without echo, or from stdin when piped (automation).
import { createInterface } from 'node:readline';
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../../config/config.js';
import { REVIEWER_ROLES } from '../../domain/review.js';
import { connectMongo } from '../../stores/mongo.js';
import { createReviewer, listReviewers, ReviewerExists, updateReviewer, type BackOfficeRole } from '../../stores/reviewers.store.js';
import { hashPassword, passwordProblem } from './passwords.js';

const USAGE = `usage: npm run reviewer -- add <name> [--role reviewer|senior_reviewer] [--display "Full Name"]
       npm run reviewer -- passwd <name> | role <name> <reviewer|senior_reviewer> | disable <name> | enable <name> | list`;

class UsageError extends Error {}

function roleOf(value: string | undefined): BackOfficeRole {
  if (!(REVIEWER_ROLES as readonly string[]).includes(value ?? '')) throw new UsageError(`role must be one of ${REVIEWER_ROLES.join(', ')}`);
  return value as BackOfficeRole;
}

function nameOf(value: string | undefined): string {
  const name = (value ?? '').toLowerCase();
  if (!/^[a-z][a-z0-9._-]{1,31}$/.test(name)) throw new UsageError('a reviewer name is 2–32 characters: letters, digits, . _ - (starting with a letter)');
  return name;
}

/** One line from stdin; on a terminal the typed characters are not echoed. */
async function readPassword(prompt: string): Promise<string> {
  const rl = createInterface({ input: process.stdin, output: process.stdout, terminal: process.stdin.isTTY });
  if (process.stdin.isTTY) {
    process.stdout.write(prompt);
    (rl as unknown as { _writeToOutput: (s: string) => void })._writeToOutput = () => undefined;
  }
  const line = await new Promise<string>((resolve) => rl.once('line', resolve).once('close', () => resolve('')));
  rl.close();
  if (process.stdin.isTTY) process.stdout.write('\n');
  return line;
}

async function newPasswordHash(name: string): Promise<string> {
  const password = await readPassword(`password for ${name}: `);
  const problem = passwordProblem(password, name);
  if (problem) throw new UsageError(`password refused: ${problem}`);
  return hashPassword(password);
}

async function main(): Promise<string> {
  const { positionals, values } = parseArgs({ allowPositionals: true, options: { role: { type: 'string' }, display: { type: 'string' } } });
  const [command, rawName, extra] = positionals;
  const config = loadConfigOrExit();
  const mongo = await connectMongo(config.MONGODB_URL, config.MONGODB_DB);
  try {
    const db = mongo.db;
    const change = async (name: string, what: Parameters<typeof updateReviewer>[2], done: string) => {
      if (!(await updateReviewer(db, name, what))) throw new UsageError(`no reviewer named ${name}`);
      return done;
    };
    switch (command) {
      case 'add': {
        const name = nameOf(rawName);
        const role = roleOf(values.role ?? 'reviewer');
        await createReviewer(db, { _id: name, name: values.display ?? name, role, passwordHash: await newPasswordHash(name) });
        return `reviewer ${name} (${role}) added; sign in at /backoffice`;
      }
      case 'passwd': {
        const name = nameOf(rawName);
        return await change(name, { passwordHash: await newPasswordHash(name) }, `password of ${name} changed; their sessions are signed out`);
      }
      case 'role': return await change(nameOf(rawName), { role: roleOf(extra) }, `${rawName} is now ${extra}`);
      case 'disable': return await change(nameOf(rawName), { disabled: true }, `${rawName} disabled; their sessions are signed out`);
      case 'enable': return await change(nameOf(rawName), { disabled: false }, `${rawName} enabled`);
      case 'list':
        return (await listReviewers(db)).map((r) => `${r._id.padEnd(20)} ${r.role.padEnd(16)} ${r.disabled ? 'disabled' : 'active  '} ${r.name}`).join('\n') || '(no reviewers yet)';
      default:
        throw new UsageError(USAGE);
    }
  } finally {
    await mongo.client.close();
  }
}

main().then((message) => console.log(message), (err) => {
  if (!(err instanceof UsageError || err instanceof ReviewerExists)) throw err;
  console.error(err.message);
  process.exit(2);
});
