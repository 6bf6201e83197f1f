"""`tagwarden vendors QUERY`: host, URL and name lookups in the shipped catalogue, policy vendors,
and a clear exit 2 with suggestions when nothing matches."""

import json
import unittest

from harness import TagwardenTestCase, run_tagwarden


class VendorsCommandTest(TagwardenTestCase):
    def test_host_lookup_names_the_most_specific_vendor(self):
        result = run_tagwarden("vendors", "bat.bing.com")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Microsoft Advertising (UET)", result.stdout)
        self.assertIn("category: advertising", result.stdout)

    def test_url_lookup_uses_the_host(self):
        result = run_tagwarden("vendors", "https://static.hotjar.com/c/hotjar-123.js?sv=6")
        self.assertEqual(result.returncode, 0, result.stderr)
        self.assertIn("Hotjar", result.stdout)
        self.assertIn("category: session-replay", result.stdout)
        self.assertIn("source:   tagwarden", result.stdout)

    def test_name_lookup_as_json_lists_domains_and_source(self):
        result = run_tagwarden("vendors", "--json", "youtube")
        self.assertEqual(result.returncode, 0, result.stderr)
        vendors = json.loads(result.stdout)
        youtube = next(v for v in vendors if v["name"] == "YouTube")
        self.assertEqual(youtube["category"], "video")
        self.assertIn("youtube.com", youtube["domains"])
        self.assertEqual(youtube["source"], "third-party-web")

    def test_unknown_name_exits_2_with_suggestions(self):
        result = run_tagwarden("vendors", "hotjr")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(result.stdout, "")
        self.assertIn('no vendor matches "hotjr"', result.stderr)
        self.assertIn("did you mean Hotjar", result.stderr)

    def test_unknown_host_exits_2(self):
        result = run_tagwarden("vendors", "cdn.nobody-knows.example")
        self.assertEqual(result.returncode, 2)
        self.assertIn("no catalogue entry explains host cdn.nobody-knows.example", result.stderr)

    def test_missing_query_and_bad_flag_are_usage_errors(self):
        self.assertEqual(run_tagwarden("vendors").returncode, 2)
        result = run_tagwarden("vendors", "--nope", "x")
        self.assertEqual(result.returncode, 2)
        self.assertEqual(len(result.stderr.strip().splitlines()), 1)


if __name__ == "__main__":
    unittest.main()
