// The provider simulators process (local stack): Vexora's KYC API and the payment processor, on SIMULATOR_PORT.
import { loadConfigOrExit } from '../config/config.js';
import { buildSimulators } from './simulators.js';

const config = loadConfigOrExit();
const simulators = await buildSimulators(config);
for (const signal of ['SIGINT', 'SIGTERM'] as const) process.once(signal, () => void simulators.close().then(() => process.exit(0)));
await simulators.listen({ host: config.HOST, port: config.SIMULATOR_PORT });
console.log(`simulators on http://${config.HOST}:${config.SIMULATOR_PORT} (Vexora /v1/vexora, payments /v1/payment-intents)`);
