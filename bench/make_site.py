#!/usr/bin/env python3
"""make_site.py: write a deterministic marketing-style website for tagwarden's benchmarks.

usage: make_site.py --out DIR [--pages N] [--seed S] [--base URL]

DIR receives N pages: /index.html and N-1 pages spread over ten sections (/product/...,
/blog/..., ...), 40-120 KB each, plus robots.txt, sitemap.xml (URLs under --base) and two local
assets. Each page carries what real marketing pages carry: 3-9 vendor <script src> from real
vendor hosts, inline tag-manager / analytics / pixel snippets, noscript tracking pixels and
iframes, embedded video, CDN images, font stylesheets and preconnects, and 20-40 internal links
written the ways sites write them (root-relative, relative, ../, with fragments). Page i always
links to page i+1, so a crawl from /index.html reaches every page.

Next to DIR (outside the docroot) it writes:
  DIR.urls          every page's path, one a line (the parse ceiling reads it)
  DIR.expected.tsv  per page: path, bytes, internal links, its third-party URLs (space separated)
  DIR.stamp         the arguments the site was made with; an identical run does nothing

The same arguments give the same bytes (random.Random with a fixed seed; no clock).
"""
import argparse
import os
import random
import shutil
import sys

GENERATOR_VERSION = 1
SECTIONS = ["product", "platform", "pricing", "blog", "guides", "customers", "integrations",
            "about", "jobs", "webinars"]
VOCABULARY = (
    "insight pipeline cohort funnel consent tracking pixel audience segment revenue attribution "
    "dashboard workflow release customer journey retention growth campaign conversion privacy "
    "latency platform connector warehouse identity session checkout catalogue inventory partner "
    "launch roadmap team report forecast budget region compliance onboarding analytics metric "
    "experiment variant rollout feature signal integration storefront loyalty support ticket"
).split()
ACTIONS = ("boost unify measure launch tune ship protect streamline map connect scale review "
           "simplify track compare").split()

# (template, kind): {id} {num} {hex} are filled per page; kind is how the URL is referenced.
VENDOR_TAGS = [
    "https://www.googletagmanager.com/gtm.js?id=GTM-{id}",
    "https://www.googletagmanager.com/gtag/js?id=G-{id}",
    "https://connect.facebook.net/en_US/fbevents.js",
    "https://static.hotjar.com/c/hotjar-{num}.js?sv=6",
    "https://js.hs-scripts.com/{num}.js",
    "https://cdn.segment.com/analytics.js/v1/{hex}/analytics.min.js",
    "https://snap.licdn.com/li.lms-analytics/insight.min.js",
    "https://cdn.cookielaw.org/scripttemplates/otSDKStub.js",
    "https://consent.cookiebot.com/uc.js",
    "https://www.clarity.ms/tag/{hex}",
    "https://widget.intercom.io/widget/{hex}",
    "https://cdn.optimizely.com/js/{num}.js",
    "https://static.ads-twitter.com/uwt.js",
    "https://bat.bing.com/bat.js",
    "https://s.pinimg.com/ct/core.js",
    "https://analytics.tiktok.com/i18n/pixel/events.js?sdkid={hex}",
    "https://code.jquery.com/jquery-3.5.1.min.js",
    "https://cdn.jsdelivr.net/npm/bootstrap@5.3.2/dist/js/bootstrap.bundle.min.js",
    "https://www.google.com/recaptcha/api.js?render={hex}",
    "https://js.stripe.com/v3/",
    "https://cdn.heapanalytics.com/js/heap-{num}.js",
    "https://js.driftt.com/include/{num}/{hex}.js",
    "https://cdn.amplitude.com/libs/analytics-browser-2.7.4-min.js.gz",
    "https://script.crazyegg.com/pages/scripts/{num}.js",
]
INLINE_SNIPPETS = [
    # a tag-manager loader that builds its script URL from pieces
    "<script>(function(w,d,s,l,i){{w[l]=w[l]||[];w[l].push({{'gtm.start':Date.now(),event:'gtm.js'}});"
    "var f=d.getElementsByTagName(s)[0],j=d.createElement(s);j.async=true;"
    "j.src='https://www.googletagmanager.com/gtm.js?id='+i;f.parentNode.insertBefore(j,f);"
    "}})(window,document,'script','dataLayer','GTM-{id}');</script>",
    "<script>window.dataLayer=window.dataLayer||[];function gtag(){{dataLayer.push(arguments);}}"
    "gtag('js',new Date());gtag('consent','default',{{ad_storage:'denied'}});"
    "gtag('config','G-{id}');</script>",
    "<script>!function(f,b,e,v){{if(f.fbq)return;var n=f.fbq=function(){{n.q.push(arguments)}};"
    "n.q=[];var t=b.createElement(e);t.async=!0;t.src=v;b.head.appendChild(t)}}"
    "(window,document,'script','https://connect.facebook.net/en_US/fbevents.js');"
    "fbq('init','{num}');fbq('track','PageView');</script>",
    "<script>(function(h,o,t,j){{h._hjSettings={{hjid:{num},hjsv:6}};var r=o.createElement('script');"
    "r.async=1;r.src=t+h._hjSettings.hjid+j+h._hjSettings.hjsv;o.head.appendChild(r);}})"
    "(window,document,'https://static.hotjar.com/c/hotjar-','.js?sv=');</script>",
    "<script type=\"text/javascript\">_linkedin_partner_id=\"{num}\";window._linkedin_data_partner_ids="
    "window._linkedin_data_partner_ids||[];window._linkedin_data_partner_ids.push(_linkedin_partner_id);"
    "</script>",
]
IMAGE_HOSTS = ["https://images.ctfassets.net", "https://res.cloudinary.com/acme/image/upload",
               "https://cdn.shopify.com/s/files/1/0{num}/files"]
SOCIAL_LINKS = ["https://www.linkedin.com/company/northwind-example", "https://twitter.com/northwind",
                "https://github.com/northwind-example", "https://www.youtube.com/@northwind"]


class Page:
    """One page's HTML and the facts written to DIR.expected.tsv."""

    def __init__(self):
        self.parts = []
        self.third_party = []
        self.links = 0

    def add(self, html):
        self.parts.append(html)

    def size(self):
        return sum(len(p) for p in self.parts)


class SiteWriter:
    def __init__(self, pages, seed, base):
        self.count = pages
        self.seed = seed
        self.base = base.rstrip("/")
        rng = random.Random(seed)
        self.paths = ["/index.html"]
        self.titles = ["Northwind Cloud"]
        for i in range(1, pages):
            section = SECTIONS[i % len(SECTIONS)]
            words = [rng.choice(VOCABULARY) for _ in range(rng.randint(2, 3))]
            self.paths.append(f"/{section}/{'-'.join(words)}-{i}.html")
            self.titles.append(" ".join(w.capitalize() for w in words))
        self.section_home = {}
        for i in range(1, pages):
            self.section_home.setdefault(self.paths[i].split("/")[1], i)
        self.phrases = [self.phrase(rng) for _ in range(3000)]

    @staticmethod
    def phrase(rng):
        words = [rng.choice(VOCABULARY) for _ in range(rng.randint(6, 18))]
        words.insert(rng.randrange(len(words)), rng.choice(ACTIONS))
        return " ".join(words).capitalize() + rng.choice([".", ".", "!", "?"])

    def prose(self, rng, low, high):
        return " ".join(rng.choice(self.phrases) for _ in range(rng.randint(low, high)))

    def link_to(self, rng, source, target):
        """The href page `source` uses for page `target`."""
        path = self.paths[target]
        form = rng.randrange(8)
        if form < 5 or source == 0:
            href = path
        else:
            here = self.paths[source].rsplit("/", 1)[0]
            there, name = path.rsplit("/", 1)
            href = name if here == there else ".." + path
        if rng.randrange(10) == 0:
            href += "#" + rng.choice(["top", "details", "faq", "contact"])
        return href

    def render(self, i):
        rng = random.Random(self.seed * 1_000_003 + i)
        ids = {"id": "".join(rng.choice("ABCDEFGHJKLMNPQRSTUVWXYZ0123456789") for _ in range(8)),
               "num": rng.randint(100000, 9999999),
               "hex": "%012x" % rng.getrandbits(48)}
        page = Page()
        self.head(page, rng, i, ids)
        self.body(page, rng, i, ids)
        return page

    def head(self, page, rng, i, ids):
        page.add("<!doctype html>\n<html lang=\"en\">\n<head>\n<meta charset=\"utf-8\">\n"
                 "<meta name=\"viewport\" content=\"width=device-width, initial-scale=1\">\n"
                 f"<title>{self.titles[i]} - Northwind Cloud</title>\n"
                 f"<meta name=\"description\" content=\"{self.prose(rng, 1, 1)}\">\n"
                 f"<link rel=\"canonical\" href=\"{self.base}{self.paths[i]}\">\n"
                 "<link rel=\"preconnect\" href=\"https://fonts.gstatic.com\" crossorigin>\n"
                 "<link rel=\"dns-prefetch\" href=\"https://www.google-analytics.com\">\n")
        font = "https://fonts.googleapis.com/css2?family=Roboto:wght@400;700&amp;display=swap"
        page.add(f"<link rel=\"stylesheet\" href=\"{font}\">\n<link rel=\"stylesheet\" href=\"/static/site.css\">\n")
        page.third_party.append(font.replace("&amp;", "&"))
        rules = "".join(f".b{rng.getrandbits(20):05x}{{margin:{rng.randrange(32)}px;gap:{rng.randrange(16)}px}}"
                        for _ in range(rng.randint(15, 50)))
        page.add(f"<style>body{{font-family:Roboto,sans-serif;margin:0}}{rules}</style>\n")
        for snippet in rng.sample(INLINE_SNIPPETS, rng.randint(1, 3)):
            page.add(snippet.format(**ids) + "\n")
        for template in rng.sample(VENDOR_TAGS, rng.randint(3, 9)):
            url = template.format(**ids)
            mode = rng.choice(["async ", "defer ", ""])
            page.add(f"<script {mode}src=\"{url}\"></script>\n")
            page.third_party.append(url)
        page.add("</head>\n")

    def body(self, page, rng, i, ids):
        page.add(f"<body class=\"{self.paths[i].split('/')[1].split('.')[0]}\">\n"
                 "<noscript><iframe src=\"https://www.googletagmanager.com/ns.html?id=GTM-"
                 f"{ids['id']}\" height=\"0\" width=\"0\" style=\"display:none\"></iframe></noscript>\n")
        page.third_party.append(f"https://www.googletagmanager.com/ns.html?id=GTM-{ids['id']}")
        targets = self.link_targets(rng, i)
        nav = "".join(f"<li><a href=\"{self.link_to(rng, i, t)}\">{self.titles[t]}</a></li>"
                      for t in targets[:12])
        page.add(f"<header><a href=\"/index.html\" class=\"logo\">Northwind</a><nav><ul>{nav}</ul></nav></header>\n")
        page.links = len(targets)
        rest = targets[12:]
        page.add(f"<main><h1>{self.titles[i]}</h1>\n")
        if rng.randrange(3):
            video = "https://www.youtube.com/embed/" + "%011x" % rng.getrandbits(44)
            page.add(f"<iframe src=\"{video}\" width=\"640\" height=\"360\" allowfullscreen></iframe>\n")
            page.third_party.append(video)
        goal = rng.randint(40_000, 118_000)
        while page.size() < goal:
            page.add(self.section(rng, i, ids, rest, page))
        if rest:
            page.add("<aside><h2>See also</h2><ul>" + "".join(
                f"<li><a href=\"{self.link_to(rng, i, t)}\">{self.titles[t]}</a></li>" for t in rest) + "</ul></aside>\n")
        page.add("</main>\n<footer><ul>" + "".join(
            f"<li><a href=\"{u}\" rel=\"noopener\">{u.split('/')[2]}</a></li>" for u in SOCIAL_LINKS) + "</ul>"
            "<p><a href=\"mailto:hello@northwind.example\">hello@northwind.example</a></p></footer>\n")
        pixel = f"https://www.facebook.com/tr?id={ids['num']}&amp;ev=PageView&amp;noscript=1"
        page.add(f"<noscript><img height=\"1\" width=\"1\" style=\"display:none\" src=\"{pixel}\"></noscript>\n")
        page.third_party.append(pixel.replace("&amp;", "&"))
        page.add("<script src=\"/static/site.js\" defer></script>\n</body>\n</html>\n")

    def link_targets(self, rng, i):
        n = self.count
        if n == 1:
            return []
        fixed = [0] + sorted(self.section_home.values())
        chosen = [(i + 1) % n] + [t for t in fixed if t != i]
        wanted = min(rng.randint(20, 40), n - 1)
        seen = set(chosen) | {i}
        while len(seen) - 1 < wanted:
            t = rng.randrange(n)
            if t not in seen:
                seen.add(t)
                chosen.append(t)
        return [t for t in dict.fromkeys(chosen) if t != i]

    def section(self, rng, i, ids, rest, page):
        kind = rng.randrange(5)
        if kind == 0 and rest:
            t = rest.pop()
            return (f"<section><h2>{self.prose(rng, 1, 1)[:48]}</h2><p>{self.prose(rng, 2, 5)} "
                    f"<a href=\"{self.link_to(rng, i, t)}\">{self.titles[t].lower()}</a> "
                    f"{self.prose(rng, 1, 3)}</p></section>\n")
        if kind == 1:
            host = rng.choice(IMAGE_HOSTS).format(**ids)
            url = f"{host}/{rng.getrandbits(40):010x}/{rng.choice(VOCABULARY)}.webp?w={rng.choice([480, 960, 1440])}"
            page.third_party.append(url)
            return (f"<figure><img src=\"{url}\" alt=\"{rng.choice(VOCABULARY)}\" loading=\"lazy\">"
                    f"<figcaption>{self.prose(rng, 1, 1)}</figcaption></figure>\n")
        if kind == 2:
            cells = rng.randint(3, 5)
            rows = "".join("<tr>" + "".join(f"<td>{rng.choice(VOCABULARY)} {rng.randrange(1000)}</td>"
                                            for _ in range(cells)) + "</tr>" for _ in range(rng.randint(3, 10)))
            return f"<table><tbody>{rows}</tbody></table>\n"
        if kind == 3:
            items = "".join(f"<li><span class=\"b{rng.getrandbits(20):05x}\">{self.prose(rng, 1, 1)}</span></li>"
                            for _ in range(rng.randint(3, 8)))
            return f"<div class=\"cards\"><ul>{items}</ul></div>\n"
        return f"<article><p>{self.prose(rng, 3, 8)}</p><p>{self.prose(rng, 2, 6)}</p></article>\n"

    def write(self, out):
        tmp = out + ".partial"
        shutil.rmtree(tmp, ignore_errors=True)
        os.makedirs(os.path.join(tmp, "static"))
        with open(os.path.join(tmp, "static", "site.css"), "w") as f:
            f.write("body{margin:0}\n")
        with open(os.path.join(tmp, "static", "site.js"), "w") as f:
            f.write("document.documentElement.className='js';\n")
        with open(os.path.join(tmp, "robots.txt"), "w") as f:
            f.write(f"User-agent: *\nDisallow: /cart/\nSitemap: {self.base}/sitemap.xml\n")
        with open(os.path.join(tmp, "sitemap.xml"), "w") as f:
            f.write('<?xml version="1.0" encoding="UTF-8"?>\n'
                    '<urlset xmlns="http://www.sitemaps.org/schemas/sitemap/0.9">\n')
            f.writelines(f"<url><loc>{self.base}{p}</loc></url>\n" for p in self.paths)
            f.write("</urlset>\n")
        rows = ["path\tbytes\tinternal_links\tthird_party_urls"]
        for i, path in enumerate(self.paths):
            page = self.render(i)
            html = "".join(page.parts).encode()
            target = os.path.join(tmp, path.lstrip("/"))
            os.makedirs(os.path.dirname(target), exist_ok=True)
            with open(target, "wb") as f:
                f.write(html)
            rows.append(f"{path}\t{len(html)}\t{page.links}\t{' '.join(page.third_party)}")
        shutil.rmtree(out, ignore_errors=True)
        os.rename(tmp, out)
        with open(out + ".urls", "w") as f:
            f.writelines(p + "\n" for p in self.paths)
        with open(out + ".expected.tsv", "w") as f:
            f.write("\n".join(rows) + "\n")


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--out", required=True)
    parser.add_argument("--pages", type=int, default=2000)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--base", default="http://127.0.0.1")
    args = parser.parse_args()
    if args.pages < 1:
        parser.error("--pages must be at least 1")
    out = os.path.abspath(args.out)
    stamp = f"v{GENERATOR_VERSION} pages={args.pages} seed={args.seed} base={args.base}\n"
    if os.path.isfile(out + ".stamp") and open(out + ".stamp").read() == stamp \
            and os.path.isfile(os.path.join(out, "index.html")):
        print(f"make_site: {out} is up to date ({args.pages} pages)", file=sys.stderr)
        return 0
    SiteWriter(args.pages, args.seed, args.base).write(out)
    with open(out + ".stamp", "w") as f:
        f.write(stamp)
    print(f"make_site: wrote {args.pages} pages to {out}", file=sys.stderr)
    return 0


if __name__ == "__main__":
    sys.exit(main())
