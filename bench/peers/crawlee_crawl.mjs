// crawlee_crawl.mjs: the crawlee peer of bench/compare.sh. A CheerioCrawler that follows every
// same-host link from START and, on each page, collects the URLs of <script src>, <iframe src>,
// <img src> and <link href> that point at another host: the per-page work tagwarden does too.
// usage: node crawlee_crawl.mjs START [CONCURRENCY]   prints "pages N third_party_refs M failed F"
// compare.sh copies this file next to its node_modules, where node resolves `crawlee`.
import { CheerioCrawler, Configuration, log, LogLevel } from 'crawlee';

const [start, concurrency = '16'] = process.argv.slice(2);
if (!start) {
  console.error('usage: node crawlee_crawl.mjs START [CONCURRENCY]');
  process.exit(2);
}
const siteHost = new URL(start).host;
log.setLevel(LogLevel.WARNING);

let pages = 0;
let thirdPartyRefs = 0;
let failed = 0;
const referenceSelector = 'script[src], iframe[src], img[src], link[href]';

function isThirdParty(raw, base) {
  try {
    const url = new URL(raw, base);
    return (url.protocol === 'http:' || url.protocol === 'https:') && url.host !== siteHost;
  } catch {
    return false;  // not a URL: nothing to count
  }
}

const crawler = new CheerioCrawler({
  maxConcurrency: Number(concurrency),
  maxRequestRetries: 1,
  async requestHandler({ request, $, enqueueLinks }) {
    pages += 1;
    const base = request.loadedUrl ?? request.url;
    $(referenceSelector).each((_, element) => {
      const raw = element.tagName === 'link' ? $(element).attr('href') : $(element).attr('src');
      if (raw && isThirdParty(raw, base)) thirdPartyRefs += 1;
    });
    await enqueueLinks({ strategy: 'same-hostname' });
  },
  failedRequestHandler() {
    failed += 1;
  },
}, new Configuration({ persistStorage: false, purgeOnStart: true }));

await crawler.run([start]);
console.log(`pages ${pages} third_party_refs ${thirdPartyRefs} failed ${failed}`);
