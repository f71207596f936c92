"""The benchmark at N = 100 (bench/README.md): orgpreflight collect against the replay server with 50 ms of
latency per answer sends exactly the requests of its plan (bench/plan.py) and finishes within twice the latency
bound (requests x latency / concurrency). The default audit of a few accounts reads an account's regional
listings side by side, beyond the 4 requests per account in flight of the other reads."""
import argparse
import os
import sys
import unittest

import opftest

sys.path.insert(0, os.path.join(opftest.SOURCE_DIR, "bench"))
import plan  # noqa: E402
import run as bench  # noqa: E402

MEMBERS = 100


class BenchSmall(unittest.TestCase):
    @classmethod
    def setUpClass(cls):
        opftest.require(os.path.exists("/usr/bin/time"), "/usr/bin/time is not installed (Debian package time)")
        args = argparse.Namespace(latency_ms=50.0, concurrency=8, cli=opftest.CLI)
        cls.result = bench.measure(args, MEMBERS, "opf", throttled=False)

    def test_requests_are_exactly_the_plan(self):
        r = self.result
        self.assertEqual(r["unrecorded"], 0)
        self.assertEqual(r["extra_by_operation"], {}, "requests beyond (or short of) bench/plan.py, by operation")
        self.assertEqual(r["requests"], sum(plan.expected(MEMBERS).values()))
        self.assertEqual(r["errors"], 0)

    def test_wall_time_within_twice_the_latency_bound(self):
        r = self.result
        self.assertGreater(r["latency_bound_s"], 5)  # 50 ms x ~1,800 requests / 8: the bound is not trivial
        self.assertLessEqual(r["wall_s"], 2 * r["latency_bound_s"], r)


class BenchDefaultAudit(unittest.TestCase):
    MEMBERS, CONCURRENCY = 5, 2

    @classmethod
    def setUpClass(cls):
        opftest.require(os.path.exists("/usr/bin/time"), "/usr/bin/time is not installed (Debian package time)")
        args = argparse.Namespace(latency_ms=50.0, concurrency=cls.CONCURRENCY, cli=opftest.CLI)
        cls.result = bench.measure(args, cls.MEMBERS, "opf", throttled=False, default=True)

    def test_requests_are_exactly_the_plan(self):
        r = self.result
        self.assertEqual(r["unrecorded"], 0)
        self.assertEqual(r["extra_by_operation"], {}, "requests beyond (or short of) bench/plan.py, by operation")
        self.assertEqual(r["requests"], sum(plan.expected(self.MEMBERS, default_audit=True).values()))

    def test_regional_listings_overlap(self):
        # 17 regions x 4 listings per account: with 2 accounts in flight, far more than 4 requests per account
        self.assertGreaterEqual(self.result["max_in_flight"], 6 * self.CONCURRENCY, self.result)


if __name__ == "__main__":
    unittest.main()
