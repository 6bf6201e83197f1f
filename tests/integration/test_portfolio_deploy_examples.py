"""examples/deploy/: the Kubernetes CronJob (an Indexed Job) and the GitHub Actions matrix run
tagwarden on the example portfolio with `--shard auto` and the variables it reads, consistently
with the portfolio: as many shards as the scheduler starts, each shard holding targets, every
secret the portfolio names provided, every policy it names shipped with it."""

import shlex
import unittest

import yaml

from harness import EXAMPLES, SOURCE_DIR, TagwardenTestCase, run_tagwarden

DEPLOY = EXAMPLES / "deploy"
PORTFOLIO = DEPLOY / "portfolio.yaml"


def fnv1a_64(text):
    value = 0xcbf29ce484222325
    for byte in text.encode():
        value = ((value ^ byte) * 0x100000001b3) % (1 << 64)
    return value


def portfolio_targets():
    return yaml.safe_load(PORTFOLIO.read_text())["targets"]


def secret_variables():
    names = set()
    for target in portfolio_targets():
        names |= {target[key] for key in ("cookie_env", "basic_auth_env") if key in target}
        names |= set(target.get("header_env", {}).values())
    return names


def option(args, name):
    """The value after `name` in an argument list."""
    return args[args.index(name) + 1]


class DeployExamplesTest(TagwardenTestCase):
    def assertShardsHoldTargets(self, count):
        # The example URLs are already normalised, so the identity is the text as written.
        shards = {fnv1a_64(target["target"]) % count + 1 for target in portfolio_targets()}
        self.assertEqual(shards, set(range(1, count + 1)), "a shard of the example is empty")

    def test_kubernetes_cronjob_runs_an_indexed_job_with_one_shard_per_completion(self):
        cronjob = yaml.safe_load((DEPLOY / "kubernetes-cronjob.yaml").read_text())
        self.assertEqual((cronjob["apiVersion"], cronjob["kind"]), ("batch/v1", "CronJob"))
        job = cronjob["spec"]["jobTemplate"]["spec"]
        self.assertEqual(job["completionMode"], "Indexed")
        self.assertEqual(job["parallelism"], job["completions"])
        pod = job["template"]["spec"]
        [container] = pod["containers"]
        args = container["args"]
        self.assertEqual(args[0], "scan")
        self.assertEqual(option(args, "--shard"), "auto")
        self.assertNotIn("--fail-on", args)  # findings must not make Kubernetes retry the pod
        self.assertIn("$(JOB_COMPLETION_INDEX)", option(args, "--db"))
        env = {variable["name"]: variable for variable in container["env"]}
        self.assertEqual(env["TAGWARDEN_SHARD_TOTAL"]["value"], str(job["completions"]))
        for name in secret_variables():
            self.assertIn("secretKeyRef", env[name]["valueFrom"], name)
        self.assertShardsHoldTargets(job["completions"])
        # The portfolio and every policy it names are mounted where --targets finds them.
        [mount] = [m for m in container["volumeMounts"] if m["name"] == "portfolio"]
        [volume] = [v for v in pod["volumes"] if v["name"] == "portfolio"]
        mounted = {item["path"] for item in volume["configMap"]["items"]}
        self.assertEqual(option(args, "--targets"), mount["mountPath"] + "/portfolio.yaml")
        self.assertIn("portfolio.yaml", mounted)
        for target in portfolio_targets():
            self.assertIn(target["policy"], mounted)

    def test_github_workflow_runs_a_matrix_with_one_shard_per_job(self):
        workflow = yaml.safe_load((DEPLOY / "github-actions.yml").read_text())
        [job] = workflow["jobs"].values()
        matrix = job["strategy"]["matrix"]
        self.assertEqual(list(matrix), ["shard"])  # job-total counts every matrix combination
        self.assertEqual(job["env"]["TAGWARDEN_SHARD_INDEX"], "${{ strategy.job-index }}")
        self.assertEqual(job["env"]["TAGWARDEN_SHARD_TOTAL"], "${{ strategy.job-total }}")
        for name in secret_variables():
            self.assertEqual(job["env"][name], "${{ secrets.%s }}" % name)
        [run] = [step["run"] for step in job["steps"] if "run" in step]
        args = shlex.split(run)
        self.assertEqual(args[:2], ["tagwarden", "scan"])
        self.assertEqual(option(args, "--shard"), "auto")
        self.assertEqual(SOURCE_DIR / option(args, "--targets"), PORTFOLIO)
        self.assertShardsHoldTargets(len(matrix["shard"]))

    def test_the_example_portfolio_and_its_policies_pass_every_check_but_the_secrets(self):
        # Without the secrets the run stops before any request; the staging entry, last in the
        # file, is the first with a secret, so every entry before it was checked with its policy.
        result = run_tagwarden("scan", "--targets", PORTFOLIO, "--db", "", "--out", self.work,
                               cwd=self.work, env={name: "" for name in secret_variables()})
        self.assertEqual(result.returncode, 2, result.stderr)
        self.assertRegex(result.stderr, r"^\S+/portfolio\.yaml:\d+:5: environment variable "
                                        r"SHOP_PREVIEW_COOKIE \(cookie_env of "
                                        r"https://staging\.example-shop\.com/\) is not set")
        self.assertEqual(list(self.work.iterdir()), [])


if __name__ == "__main__":
    unittest.main()
