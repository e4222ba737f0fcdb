/**
 * `<cam-registration>`: defines the registration widget and the step elements it renders.
 * Importing this module more than once, or alongside another copy, defines each tag once.
 */
import { CamRegistration } from './cam-registration.js';
import { ManageFlow } from './manage-flow.js';
import { RegistrationFlow } from './registration-flow.js';

export { CamRegistration, ManageFlow, RegistrationFlow };
export type { RegistrationMessages, MessageOverrides } from './cam-registration.messages.js';
export type { RegistrationClient } from './registration-client.js';
export { createRegistrationClient } from './registration-client.js';
export type { RegistrationConfig } from './registration-config.js';

const TAGS = {
  'cam-registration': CamRegistration,
  'cam-registration-flow': RegistrationFlow,
  'cam-registration-manage': ManageFlow,
} as const;

for (const [tag, element] of Object.entries(TAGS)) {
  if (!customElements.get(tag)) customElements.define(tag, element);
}

declare global {
  interface HTMLElementTagNameMap {
    'cam-registration': CamRegistration;
    'cam-registration-flow': RegistrationFlow;
    'cam-registration-manage': ManageFlow;
  }
}
