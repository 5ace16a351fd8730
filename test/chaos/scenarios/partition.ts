// A silent partition under load: the TCP proxy between the containers and PostgreSQL stops forwarding on every
// connection, new ones included, without FIN or RST. Requests must end typed (503/504) within their deadline, and
// service must come back when the path heals.
import { now, sleep } from '../support/load';
import type { LoadScenario } from '../support/scenario';

export const silentPartition: LoadScenario = {
  name: 'partition',
  description: 'a silent network partition (no FIN, no RST, new connections too) mid-load, then healed',
  via: 'proxy',
  deadlineGoal: true,
  async disrupt({ mode, proxy }) {
    const settings = { partitionMs: mode.partitionMs };
    await sleep(mode.loadMs / 3);
    proxy!.pause({ newConnections: true });
    await sleep(mode.partitionMs);
    proxy!.resume();
    const backAt = now();
    await sleep(mode.loadMs / 2);
    return { backAt, figures: settings };
  },
};
