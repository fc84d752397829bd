// `npm run token -- --user u1 [--admin] [--ttl 3600]`: prints a bearer token for local use.
import { parseArgs } from 'node:util';
import { loadConfigOrExit } from '../config/config.js';
import { signAccessToken } from './tokens.js';

const { values } = parseArgs({
  options: {
    user: { type: 'string' },
    admin: { type: 'boolean', default: false },
    ttl: { type: 'string', default: '3600' },
  },
});
if (!values.user) {
  console.error('usage: npm run token -- --user <userId> [--admin] [--ttl <seconds>]');
  process.exit(2);
}
const config = loadConfigOrExit();
console.log(signAccessToken(config, { sub: values.user, role: values.admin ? 'admin' : 'user' }, Number(values.ttl)));
