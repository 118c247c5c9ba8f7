import type { KitRun } from '../kit';
import { contactSuites } from './contacts';
import { conversationSuites } from './conversations';
import { eventSuites } from './events';
import { groupSuites } from './groups';
import { liveSuites } from './live';
import { sessionSuites } from './session';

/** Every suite of the kit, one per area of the API. */
export const SUITES: readonly ((run: KitRun) => void)[] = [sessionSuites, contactSuites, groupSuites, conversationSuites, eventSuites, liveSuites];
