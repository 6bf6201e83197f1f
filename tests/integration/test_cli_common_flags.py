"""Every subcommand takes the same common flags with the same meaning: --help prints its options
(the common ones included), --quiet and --no-color are accepted by a real invocation, --db names
the scan history wherever one is read, and an unknown flag is a usage error (exit 2, one line)."""

import unittest

from harness import EXAMPLES, TagwardenTestCase, run_tagwarden

SITE = EXAMPLES / "site"
COMMANDS = ("scan", "report", "diff", "history", "prune", "init", "vendors", "rules",
            "check-policy")
READ_A_STORE = ("scan", "report", "diff", "history", "prune", "init")


class CommonFlagsTest(TagwardenTestCase):
    def setUp(self):
        super().setUp()
        # A policy without warnings: the example policy's expired suppression warns on stderr.
        self.policy = self.work / "policy.yaml"
        self.policy.write_text("version: 1\nvendors:\n  - name: Hotjar\n")

    def invocations(self):
        """A working command line per subcommand, against two stored scans of the example site."""
        db = self.work / "tw.db"
        return {
            "scan": ["scan", SITE, "--db", db, "--out", self.work / "scan-out"],
            "report": ["report", "--db", db, "--out", self.work / "report-out"],
            "diff": ["diff", "1", "2", "--db", db],
            "history": ["history", "--db", db],
            "prune": ["prune", "--db", db, "--keep-scans", "5"],
            "init": ["init", "--db", db, "--scan", "latest", "--out", "-"],
            "vendors": ["vendors", "static.hotjar.com"],
            "rules": ["rules"],
            "check-policy": ["check-policy", self.policy],
        }

    def store_two_scans(self):
        for _ in range(2):
            result = run_tagwarden("scan", SITE, "--db", self.work / "tw.db", "--out", self.work,
                                   "--quiet", cwd=self.work)
            self.assertEqual(result.returncode, 0, result.stderr)

    def test_help_lists_the_common_flags(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                result = run_tagwarden(command, "--help", cwd=self.work)
                self.assertEqual(result.returncode, 0, result.stderr)
                for flag in ("--help", "--quiet", "--no-color"):
                    self.assertIn(flag, result.stdout)
                self.assertEqual("--db" in result.stdout, command in READ_A_STORE)
                self.assertEqual(result.stderr, "")

    def test_quiet_and_no_color_are_accepted_everywhere(self):
        self.store_two_scans()
        for command, args in self.invocations().items():
            with self.subTest(command=command):
                result = run_tagwarden(*args, "--quiet", "--no-color", cwd=self.work)
                self.assertEqual(result.returncode, 0, result.stderr)
                self.assertNotIn("\x1b[", result.stdout)
                # --quiet keeps notes off stderr; what a command produced is on stdout.
                self.assertEqual(result.stderr, "")

    def test_quiet_silences_what_check_policy_and_init_say_on_success(self):
        self.store_two_scans()
        checked = run_tagwarden("check-policy", self.policy, "--quiet", cwd=self.work)
        self.assertEqual((checked.returncode, checked.stdout, checked.stderr), (0, "", ""))
        policy = self.work / "starter.yaml"
        written = run_tagwarden("init", "--db", self.work / "tw.db", "--scan", "latest", "--out",
                                policy, "--quiet", cwd=self.work)
        self.assertEqual((written.returncode, written.stderr), (0, ""))
        self.assertIn("vendors:", policy.read_text())
        loud = run_tagwarden("init", "--db", self.work / "tw.db", "--scan", "latest", "--out",
                             policy, "--force", cwd=self.work)
        self.assertEqual(loud.returncode, 0, loud.stderr)
        self.assertIn("wrote", loud.stderr)

    def test_db_names_the_history_that_is_read(self):
        missing = self.work / "missing.db"
        for args in (["report", "--out", self.work / "o"], ["diff"], ["history"],
                     ["init", "--scan", "latest", "--out", "-"]):
            with self.subTest(command=args[0]):
                result = run_tagwarden(*args, "--db", missing, cwd=self.work)
                self.assertEqual(result.returncode, 2, result.stderr)
                self.assertIn(str(missing), result.stderr)
                self.assertFalse(missing.exists())

    def test_an_unknown_flag_is_a_usage_error(self):
        for command in COMMANDS:
            with self.subTest(command=command):
                result = run_tagwarden(command, "--no-such-flag", cwd=self.work)
                self.assertEqual(result.returncode, 2)
                self.assertEqual(result.stdout, "")
                lines = result.stderr.strip().splitlines()
                self.assertEqual(len(lines), 1, result.stderr)
                self.assertIn("no-such-flag", lines[0])
                self.assertTrue(lines[0].startswith(f"tagwarden {command}: "), lines[0])


if __name__ == "__main__":
    unittest.main()
