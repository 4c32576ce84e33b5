/** Path-id pipes of each resource kind (a malformed id is a 404, like an unknown one). */
import { BatchIdSchema, JobIdSchema, PublicImageIdSchema, UserIdSchema, WebhookEndpointIdSchema } from '@pertouch/contracts';
import { ResourceIdPipe } from './zod-body.pipe.js';

export const ImageIdPipe = new ResourceIdPipe(PublicImageIdSchema, 'image');
export const JobIdPipe = new ResourceIdPipe(JobIdSchema, 'job');
export const BatchIdPipe = new ResourceIdPipe(BatchIdSchema, 'batch');
export const WebhookEndpointIdPipe = new ResourceIdPipe(WebhookEndpointIdSchema, 'webhook endpoint');
export const UserIdPipe = new ResourceIdPipe(UserIdSchema, 'user');
