#!/usr/bin/env python3
"""Fallback instance generator (the seed distribution of docs/design.md, on NSFNET) for when
`keiro gen te` is unavailable: 14 nodes, 21 links as two directed edges with the same integer capacity
in [1000, 10000), `--commodities` distinct (src, dst) pairs with integer demands in [5, 500], sorted by
decreasing demand.

    python bench/peers/gen_nsfnet.py --count 64 --commodities 5 --seed 1 > /tmp/peer_c5.jsonl
"""
import argparse
import json
import random

NSFNET = [(0, 1), (0, 2), (0, 7), (1, 2), (1, 3), (2, 5), (3, 4), (3, 10), (4, 5), (4, 6), (5, 9),
          (5, 12), (6, 7), (7, 8), (8, 9), (8, 11), (8, 13), (10, 11), (10, 13), (11, 12), (12, 13)]


def instance(rng, k, commodities):
    edges = []
    for u, v in NSFNET:
        c = rng.randrange(1000, 10000)
        edges += [{"src": u, "dst": v, "capacity": c}, {"src": v, "dst": u, "capacity": c}]
    pairs = rng.sample([(s, d) for s in range(14) for d in range(14) if s != d], commodities)
    comms = sorted(({"src": s, "dst": d, "demand": rng.randint(5, 500)} for s, d in pairs),
                   key=lambda c: -c["demand"])
    return {"id": f"nsfnet-{k}", "nodes": 14, "edges": edges, "commodities": comms}


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--count", type=int, default=64)
    ap.add_argument("--commodities", type=int, default=5)
    ap.add_argument("--seed", type=int, default=1)
    args = ap.parse_args()
    rng = random.Random(args.seed)
    for k in range(args.count):
        print(json.dumps(instance(rng, k, args.commodities)))


if __name__ == "__main__":
    main()
