// The submit path's second baseline: the smallest workflow of the same shape as a KYC profile's
// start. Update-with-Start answers once a local activity has run (the profile writes its read model
// there), then the workflow waits on a timer (the profile's TTL). No codec, no database.
import { condition, defineUpdate, proxyLocalActivities, setHandler } from '@temporalio/workflow';

export const readyUpdate = defineUpdate<number>('ready');
const { touch } = proxyLocalActivities<{ touch(): Promise<number> }>({ startToCloseTimeout: '10 seconds' });

export async function minimalProfileWorkflow(): Promise<void> {
  let written = 0;
  setHandler(readyUpdate, async () => {
    await condition(() => written > 0);
    return written;
  });
  written = await touch();
  await condition(() => false, '1 hour');
}
