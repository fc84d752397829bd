// The provider simulators process (local stack and tests): Vexora's KYC API, on SIMULATOR_PORT.
import { loadConfigOrExit } from '../config/config.js';
import { buildVexoraSimulator } from './vexora.simulator.js';

const config = loadConfigOrExit();
const vexora = buildVexoraSimulator({ merchantNo: config.VEXORA_MERCHANT_NO, appSecret: config.VEXORA_APP_SECRET });
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void vexora.close().then(() => process.exit(0)));
await vexora.listen({ host: config.HOST, port: config.SIMULATOR_PORT });
console.log(`Vexora simulator on http://${config.HOST}:${config.SIMULATOR_PORT}/v1/vexora`);
