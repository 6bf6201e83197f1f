#!/usr/bin/env python3
"""slow_server.py: serve a directory on 127.0.0.1, answering every request after a fixed delay,
like a remote site whose pages take that long to arrive. Threaded: requests wait in parallel, so
a crawler that keeps many transfers in flight is not held to one page per delay.

usage: slow_server.py --root DIR --port PORT [--delay-ms MS] [--access-log FILE]
  --delay-ms      wait before each answer (default 100)
  --access-log    append "STATUS PATH" per request to FILE
"""
import argparse
import functools
import http.server
import time


class DelayedHandler(http.server.SimpleHTTPRequestHandler):
    delay_s = 0.1

    def send_head(self):
        time.sleep(self.delay_s)
        return super().send_head()

    log_file = None

    def log_request(self, code="-", size="-"):
        # "STATUS PATH", like bench/lib/serve.sh's nginx log: what a crawler really fetched
        if self.log_file:
            self.log_file.write(f"{code.value if hasattr(code, 'value') else code} {self.path.split('?')[0]}\n")
            self.log_file.flush()

    def log_message(self, *args):
        pass


def main():
    parser = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    parser.add_argument("--root", required=True)
    parser.add_argument("--port", type=int, required=True)
    parser.add_argument("--delay-ms", type=int, default=100)
    parser.add_argument("--access-log")
    args = parser.parse_args()
    if args.access_log:
        DelayedHandler.log_file = open(args.access_log, "a", buffering=1)
    DelayedHandler.delay_s = args.delay_ms / 1000
    DelayedHandler.protocol_version = "HTTP/1.1"
    handler = functools.partial(DelayedHandler, directory=args.root)
    server = http.server.ThreadingHTTPServer(("127.0.0.1", args.port), handler)
    server.daemon_threads = True
    server.serve_forever()


if __name__ == "__main__":
    main()
