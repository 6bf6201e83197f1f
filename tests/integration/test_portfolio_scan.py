"""`tagwarden scan --targets FILE`: a portfolio of sites, each scanned and stored as its own scan
with its own policy, request shaping and report directory; secrets from the environment only;
every problem with the file found before the first request; shards that split the portfolio."""

import base64
import os
import signal
import subprocess
import unittest

from harness import BIN, Route, TagwardenTestCase, TestServer, run_tagwarden
from store_support import query, slow_site, stored_pages, wait_until

GTM = "https://www.googletagmanager.com/gtm.js?id="
SECRETS = {"TW_SHOP_COOKIE": "preview=c00kie-s3cret", "TW_SHOP_AUTH": "ops:pa55-s3cret",
           "TW_SHOP_TOKEN": "t0ken-s3cret"}


def page(*gtm_ids):
    tags = "".join(f'<script async src="{GTM}{tag_id}"></script>' for tag_id in gtm_ids)
    return f"<!doctype html><html><head><title>t</title>{tags}</head><body>hi</body></html>"


def fnv1a_64(text):
    value = 0xcbf29ce484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001b3) % (1 << 64)
    return value


# No shard variable of the machine running the tests leaks into a run (empty counts as unset).
NO_SHARD = {name: "" for name in ("JOB_COMPLETION_INDEX", "CI_NODE_INDEX", "CI_NODE_TOTAL",
                                  "TAGWARDEN_SHARD_INDEX", "TAGWARDEN_SHARD_TOTAL")}


class PortfolioTest(TagwardenTestCase):
    def policies(self):
        self.write("policies/gtm.yaml", "version: 1\nvendors:\n  - name: Google Tag Manager\n"
                                        "    ids: [GTM-OK0001]\n")
        self.write("policies/plain.yaml", "version: 1\n")

    def portfolio(self, server_a, server_b):
        self.policies()
        self.write("public/index.html", page("GTM-OK0001"))
        return self.write("portfolio.yaml", f"""version: 1
targets:
  - target: {server_a.url("/")}
    policy: policies/gtm.yaml
  - target: {server_b.url("/")}
    policy: policies/plain.yaml
    name: shop
    headers: {{X-Preview: "1"}}
    header_env: {{X-Api-Token: TW_SHOP_TOKEN}}
    cookie_env: TW_SHOP_COOKIE
    basic_auth_env: TW_SHOP_AUTH
  - target: ./public
    base_url: https://static.example.com/
    policy: policies/gtm.yaml
""")

    def directory_portfolio(self, count, spelled="{}"):
        """`count` one-page directory sites sites/s0... and a portfolio listing them as spelled."""
        targets = [f"sites/s{i}" for i in range(count)]
        for target in targets:
            self.write(f"{target}/index.html", page())
        portfolio = self.write("portfolio.yaml", "targets:\n" + "".join(
            f"  - target: {spelled.format(target)}\n" for target in targets))
        return targets, portfolio

    def run_portfolio(self, portfolio, *args, env=None):
        return run_tagwarden("scan", "--targets", portfolio, "--db", self.work / "tw.db",
                             "--out", self.work / "out", "--no-fetch-third-party", *args,
                             cwd=self.work, env={**NO_SHARD, **(env or {})})

    def test_each_target_is_its_own_stored_scan_with_a_line_and_the_worst_exit_code(self):
        with TestServer() as a, TestServer() as b:
            a.route("/", Route(page("GTM-STRAY99")))  # an unsanctioned tag id: TW102, high
            b.route("/", Route(page()))
            portfolio = self.portfolio(a, b)
            result = self.run_portfolio(portfolio, "--format", "json,html", "--fail-on", "high",
                                        env=SECRETS)
        self.assertEqual(result.returncode, 1, result.stderr)
        lines = result.stdout.strip().splitlines()
        self.assertEqual(lines[-4], f"portfolio {portfolio}: 3 of 3 targets")
        self.assertRegex(lines[-3], rf"^target {a.url('/')}: exit 1, scan \d+, 1 pages, "
                                    r"\d+ findings \(worst high\), reports in .*/out/127\.0\.0\.1_\d+$")
        self.assertRegex(lines[-2], rf"^target {b.url('/')}: exit 0, scan \d+, 1 pages, "
                                    r"\d+ findings.*, reports in .*/out/shop$")
        self.assertRegex(lines[-1], r"^target \./public: exit 0, scan \d+, 1 pages, ")
        scans = query(self.work / "tw.db", "SELECT target, policy_path, status FROM scans ORDER BY id")
        self.assertEqual([scan[0] for scan in scans],
                         [a.url("/"), b.url("/"), str(self.work / "public")])
        self.assertEqual([os.path.basename(scan[1]) for scan in scans],
                         ["gtm.yaml", "plain.yaml", "gtm.yaml"])
        self.assertEqual({scan[2] for scan in scans}, {"complete"})
        reports = sorted(p.relative_to(self.work / "out").as_posix()
                         for p in (self.work / "out").rglob("*") if p.is_file())
        site_a = f"127.0.0.1_{a.port}"
        self.assertEqual(reports, sorted(f"{d}/{f}" for d in (site_a, "public", "shop")
                                         for f in ("tagwarden-report.html", "tagwarden-report.json")))

    def test_secrets_reach_the_server_and_never_the_reports_or_the_database(self):
        with TestServer() as a, TestServer() as b:
            a.route("/", Route(page()))
            b.route("/", Route(page()))
            portfolio = self.portfolio(a, b)
            result = self.run_portfolio(portfolio, "--format", "json,sarif,junit,html,csv,markdown",
                                        env=SECRETS)
            shop_requests = [r["headers"] for r in b.requests if r["path"] == "/"]
            other_requests = [r["headers"] for r in a.requests]
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertTrue(shop_requests)
        for headers in shop_requests:
            self.assertEqual(headers.get("Cookie"), SECRETS["TW_SHOP_COOKIE"])
            self.assertEqual(headers.get("Authorization"),
                             "Basic " + base64.b64encode(b"ops:pa55-s3cret").decode())
            self.assertEqual(headers.get("X-Api-Token"), SECRETS["TW_SHOP_TOKEN"])
            self.assertEqual(headers.get("X-Preview"), "1")
        for headers in other_requests:  # the shaping of one target is not another's
            self.assertNotIn("Cookie", headers)
            self.assertNotIn("X-Api-Token", headers)
        written = [p for p in self.work.rglob("*") if p.is_file() and p.name != "portfolio.yaml"]
        self.assertTrue(any(p.name == "tw.db" for p in written))
        for path in written:
            data = path.read_bytes()
            for secret in ("c00kie-s3cret", "pa55-s3cret", "t0ken-s3cret",
                           base64.b64encode(b"ops:pa55-s3cret").decode()):
                self.assertNotIn(secret.encode(), data, path)
        for secret in SECRETS.values():
            self.assertNotIn(secret, result.stdout + result.stderr)

    def test_a_missing_environment_variable_stops_everything_before_the_first_request(self):
        with TestServer() as a, TestServer() as b:
            portfolio = self.portfolio(a, b)
            # Empty counts as not set: GitHub Actions passes a secret it does not have as "".
            result = self.run_portfolio(portfolio, env={**SECRETS, "TW_SHOP_COOKIE": ""})
            requests = a.requests + b.requests
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertEqual(result.stderr,
                         f"{portfolio}:5:5: environment variable TW_SHOP_COOKIE (cookie_env of "
                         f"{b.url('/')}) is not set or empty\n")
        self.assertEqual(requests, [])
        self.assertFalse((self.work / "tw.db").exists())

    def test_bad_portfolios_are_refused_with_file_line_column_before_any_crawl(self):
        self.policies()
        cases = {
            "unknown key": ("targets:\n  - target: https://a.example/\n    polcy: policies/gtm.yaml\n",
                            ":3:5: unknown key 'polcy' in a target (did you mean 'policy'?)"),
            "missing target": ("targets:\n  - policy: policies/gtm.yaml\n",
                               ":2:5: this entry has no target"),
            "missing policy": ("targets:\n  - target: https://a.example/\n"
                               "    policy: policies/nope.yaml\n",
                               ":3:13: policy file 'policies/nope.yaml' does not exist"),
            "inline secret": ("targets:\n  - target: https://a.example/\n    cookie: s=1\n",
                              ":3:5: 'cookie' would write a secret into the portfolio"),
        }
        for name, (text, expected) in cases.items():
            with self.subTest(name):
                portfolio = self.write(f"{name.replace(' ', '-')}.yaml", text)
                result = self.run_portfolio(portfolio)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith(f"{portfolio}{expected}"), result.stderr)
                self.assertEqual(result.stdout, "")
                self.assertFalse((self.work / "tw.db").exists())

    def test_a_broken_policy_of_a_target_stops_everything_before_any_crawl(self):
        self.write("policies/broken.yaml", "version: 1\nvendors: [\n")
        self.write("public/index.html", page())
        portfolio = self.write("portfolio.yaml", "targets:\n  - target: public\n"
                                                 "    policy: policies/broken.yaml\n")
        result = self.run_portfolio(portfolio)
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertTrue(result.stderr.startswith(str(self.work / "policies/broken.yaml") + ":"),
                        result.stderr)
        self.assertFalse((self.work / "tw.db").exists())

    def test_a_target_that_cannot_run_does_not_stop_the_others(self):
        self.policies()
        self.write("public/index.html", page())
        portfolio = self.write("portfolio.yaml", "targets:\n  - target: missing-dir\n"
                                                 "  - target: public\n")
        result = self.run_portfolio(portfolio, "--format", "console")
        self.assertEqual(result.returncode, 3, result.stderr)
        lines = result.stdout.strip().splitlines()
        self.assertRegex(lines[-2], r"^target missing-dir: exit 3, ")
        self.assertRegex(lines[-1], r"^target public: exit 0, scan \d+, 1 pages, \d+ findings")

    def test_an_interrupt_stops_the_running_target_and_starts_no_other(self):
        self.write("public/index.html", page())
        with TestServer() as server:
            slow_site(server, pages=400, delay=0.1)
            portfolio = self.write("portfolio.yaml", f"targets:\n  - target: {server.url('/p0.html')}\n"
                                                     "  - target: public\n")
            process = subprocess.Popen(
                [BIN, "scan", "--targets", portfolio, "--db", self.work / "tw.db", "--out",
                 self.work / "out", "--no-fetch-third-party", "--max-depth", "1000",
                 "--format", "console"],
                cwd=self.work, stdout=subprocess.PIPE, stderr=subprocess.PIPE, text=True)
            self.assertTrue(wait_until(lambda: stored_pages(self.work / "tw.db", 1) >= 5),
                            "no pages stored in time")
            process.send_signal(signal.SIGINT)
            out, err = process.communicate(timeout=120)
        self.assertEqual(process.returncode, 4, err)
        self.assertEqual(out.strip().splitlines()[-1], "target public: not scanned (interrupted)")
        self.assertEqual(query(self.work / "tw.db", "SELECT id, status FROM scans"), [(1, "partial")])

    def test_shards_one_of_two_and_two_of_two_cover_every_target_once(self):
        targets, portfolio = self.directory_portfolio(10, spelled="./{}/")
        scanned = {}
        for shard in ("1/2", "2/2"):
            result = self.run_portfolio(portfolio, "--shard", shard, "--format", "console")
            self.assertEqual(result.returncode, 0, result.stderr)
            lines = [line for line in result.stdout.splitlines() if line.startswith("target ./")]
            scanned[shard] = {line.split(":")[0][len("target ./"):].rstrip("/") for line in lines}
            self.assertIn(f"portfolio {portfolio}, shard {shard}: {len(lines)} of 10 targets",
                          result.stdout)
        self.assertEqual(scanned["1/2"] & scanned["2/2"], set())
        self.assertEqual(scanned["1/2"] | scanned["2/2"], set(targets))
        # Independently computed: FNV-1a 64 of the normalised target, modulo N, counted from 1.
        for shard, names in scanned.items():
            self.assertEqual(names, {t for t in targets if fnv1a_64(t) % 2 + 1 == int(shard[0])})
        stored = query(self.work / "tw.db", "SELECT target FROM scans")
        self.assertEqual(sorted(os.path.relpath(row[0], self.work) for row in stored), targets)

    def test_shard_auto_reads_the_schedulers_variables(self):
        targets, portfolio = self.directory_portfolio(6)
        environments = {
            "kubernetes": {"JOB_COMPLETION_INDEX": "2", "TAGWARDEN_SHARD_TOTAL": "3"},
            "gitlab": {"CI_NODE_INDEX": "3", "CI_NODE_TOTAL": "3"},
            "github": {"TAGWARDEN_SHARD_INDEX": "2", "TAGWARDEN_SHARD_TOTAL": "3"},
        }
        expected = [t for t in targets if fnv1a_64(t) % 3 == 2]
        for name, env in environments.items():
            with self.subTest(name):
                result = self.run_portfolio(portfolio, "--shard", "auto", "--format", "console",
                                            env=env)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertIn(f"shard 3/3: {len(expected)} of 6 targets", result.stdout)
                lines = [l for l in result.stdout.splitlines() if l.startswith("target sites/")]
                self.assertEqual([l.split(":")[0][len("target "):] for l in lines], expected)

    def test_a_bad_shard_is_one_line_and_exit_2(self):
        self.write("public/index.html", page())
        portfolio = self.write("portfolio.yaml", "targets:\n  - target: public\n")
        for args, env, expected in [
                (["--shard", "3/2"], None, "--shard must be K/N with 1 <= K <= N"),
                (["--shard", "auto"], None, "--shard auto: no shard in the environment"),
                (["--shard", "auto"], {"JOB_COMPLETION_INDEX": "0"},
                 "--shard auto: JOB_COMPLETION_INDEX is set but TAGWARDEN_SHARD_TOTAL")]:
            with self.subTest(args=args, env=env):
                result = self.run_portfolio(portfolio, *args, env=env)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertEqual(len(result.stderr.splitlines()), 1, result.stderr)
                self.assertIn(expected, result.stderr)

    def test_flags_about_one_target_do_not_go_with_a_portfolio(self):
        self.policies()
        self.write("public/index.html", page())
        portfolio = self.write("portfolio.yaml", "targets:\n  - target: public\n")
        for args, expected in [
                (["public"], "give targets on the command line or with --targets FILE, not both"),
                (["--policy", "policies/gtm.yaml"], "--policy does not go with --targets"),
                (["--baseline", "1"], "--baseline names one target's scan")]:
            with self.subTest(args=args):
                result = self.run_portfolio(portfolio, *args)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertTrue(result.stderr.startswith(f"tagwarden scan: {expected}"),
                                result.stderr)
                self.assertEqual(len(result.stderr.splitlines()), 1)
        result = run_tagwarden("scan", "public", "--shard", "1/2", cwd=self.work)
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stderr, "tagwarden scan: --shard needs --targets FILE\n")


if __name__ == "__main__":
    unittest.main()
