"""check-policy and scan --policy refuse a bad policy with file:line:column: message and exit 2;
the rules command lists and explains the rules."""

import unittest

from harness import EXAMPLES, FIXTURES, TagwardenTestCase, run_tagwarden

POLICIES = FIXTURES / "policies"


class CheckPolicyTest(TagwardenTestCase):
    def check(self, name):
        path = POLICIES / name
        result = run_tagwarden("check-policy", path)
        return result, str(path)

    def assertRefused(self, name, expected_lines):
        result, path = self.check(name)
        self.assertEqual(result.returncode, 2, result.stdout + result.stderr)
        self.assertEqual(result.stderr.strip().splitlines(),
                         [f"{path}:{line}" for line in expected_lines])

    def test_example_policy_is_valid(self):
        result = run_tagwarden("check-policy", EXAMPLES / "policy.yaml")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("ok:", result.stdout)

    def test_empty_policy(self):
        self.assertRefused("empty.yaml", ["1:1: the policy is empty (start from 'tagwarden init' "
                                          "or examples/policy.yaml)"])

    def test_not_yaml(self):
        result, path = self.check("not-yaml.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr, "^" + path + r":\d+:\d+: not valid YAML: ")

    def test_unknown_key_with_suggestion(self):
        self.assertRefused("unknown-key.yaml", [
            "4:5: unknown key 'onwer' in a sanctioned vendor (did you mean 'owner'?); expected "
            "one of: name, owner, purpose, ids, hosts, paths"])

    def test_duplicate_keys(self):
        self.assertRefused("duplicate-key.yaml", ["5:1: duplicate key 'vendors' (first at line 1)"])

    def test_wrong_types(self):
        self.assertRefused("wrong-type.yaml", [
            "3:12: paths must be a list of path patterns, e.g. [\"/checkout/**\"]",
            "5:31: third_party_hosts_per_page must be a whole number of 0 or more, not 'lots'"])

    def test_bad_glob(self):
        self.assertRefused("bad-glob.yaml", [
            "3:13: bad path pattern '/checkout**': '**' must be a whole path segment (like "
            "/blog/** or /**/print)"])

    def test_bad_regex(self):
        result, path = self.check("bad-regex.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertRegex(result.stderr,
                         "^" + path + r":3:12: bad regular expression '\[\?&\]\(order\|email=' "
                         r"at offset \d+: ")

    def test_unknown_vendor_suggests_closest_names(self):
        result, path = self.check("unknown-vendor.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith(
            f"{path}:2:11: unknown vendor 'Google Analitics' (did you mean 'Google Analytics'"),
            result.stderr)

    def test_contradiction(self):
        result, path = self.check("contradiction.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertTrue(result.stderr.startswith(
            f"{path}:5:5: vendor 'Meta Pixel' is sanctioned (line 2) and forbidden by its "
            "category 'advertising' on the same pages"), result.stderr)

    def test_expired_suppression_is_a_warning(self):
        result, path = self.check("expired-suppression.yaml")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn(f"{path}:4:5: suppression of TW400 expired on 2024-04-30", result.stderr)

    def test_missing_file(self):
        result = run_tagwarden("check-policy", self.work / "nope.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn("nope.yaml: cannot read the policy file", result.stderr)

    def test_scan_refuses_a_bad_policy_before_crawling(self):
        result = self.scan(EXAMPLES / "site", "--policy", POLICIES / "bad-glob.yaml")
        self.assertEqual(result.returncode, 2)
        self.assertIn(f"{POLICIES / 'bad-glob.yaml'}:3:13: bad path pattern", result.stderr)
        self.assertFalse((self.work / "tagwarden-report.json").exists())


class RulesCommandTest(TagwardenTestCase):
    def test_lists_every_rule(self):
        result = run_tagwarden("rules")
        self.assertEqual(result.returncode, 0)
        for rule in ["TW100", "TW107", "TW200", "TW204", "TW303", "TW308", "TW406"]:
            self.assertRegex(result.stdout, rf"(?m)^{rule}  (info|low|medium|high|critical) ")

    def test_explains_one_rule(self):
        result = run_tagwarden("rules", "TW104")
        self.assertEqual(result.returncode, 0)
        self.assertIn("TW104 forbidden-vendor: Vendor or category forbidden on this page",
                      result.stdout)
        self.assertIn("default severity: high", result.stdout)
        self.assertIn("What to do", result.stdout)
        self.assertIn("checked on:       each page\n", result.stdout)
        self.assertIn("checked on:       the whole site\n", run_tagwarden("rules", "TW105").stdout)
        self.assertIn("checked on:       the scan against its baseline\n",
                      run_tagwarden("rules", "TW107").stdout)
        self.assertEqual(run_tagwarden("rules", "tw104").stdout, result.stdout)

    def test_unknown_rule(self):
        result = run_tagwarden("rules", "TW999")
        self.assertEqual(result.returncode, 2)
        self.assertIn("unknown rule 'TW999'", result.stderr)


if __name__ == "__main__":
    unittest.main()
