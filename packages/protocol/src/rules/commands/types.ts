import type { CommandOf, CommandType } from '../../commands.js';
import type { ExecuteContext } from '../engine.js';
import type { Plan } from '../plan.js';

/** Decides one command type: reads only, then returns a refusal or the writes to make. */
export type Handler<T extends CommandType> = (ctx: ExecuteContext, command: CommandOf<T>) => Plan;

export type Handlers<T extends CommandType> = { [K in T]: Handler<K> };
