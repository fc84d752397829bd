import { fileURLToPath } from 'node:url';

/** The fictional lists shipped for tests and the dev stack (`npm run screening:dev-lists` writes them). */
export const DEV_LIST_PATHS = ['opensanctions-fictional.ftm.json', 'ofac-sdn-fictional.xml'].map((name) => fileURLToPath(new URL(`./dev/${name}`, import.meta.url)));
