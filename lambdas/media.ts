import { isMediaKey, mediaStore } from './adapters/media.js';
import { httpHandler, pathParameter } from './shared/middleware.js';

// GET/HEAD /media/{key}: images that came with a submission (mail attachments), for the review page and
// e-mails. Keys are content hashes (160 bits), so a link cannot be guessed; nothing is listed. No use case: the
// handler reads the one object its key names.

const media = mediaStore();
const TYPES: Readonly<Record<string, string>> = { jpg: 'image/jpeg', png: 'image/png', gif: 'image/gif', webp: 'image/webp' };

export const handler = httpHandler(async (event) => {
  const key = pathParameter(event, 'key');
  const content = isMediaKey(key) ? await media.getMedia(key) : undefined;
  if (content === undefined) return { statusCode: 404, headers: { 'content-type': 'text/plain' }, body: 'not found' };
  return {
    statusCode: 200,
    headers: {
      'content-type': TYPES[key.split('.').pop() ?? ''] ?? 'application/octet-stream',
      'cache-control': 'private, max-age=86400, immutable',
      'x-content-type-options': 'nosniff',
    },
    body: event.requestContext.http.method === 'HEAD' ? '' : content.toString('base64'),
    isBase64Encoded: true,
  };
});
