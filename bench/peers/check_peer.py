#!/usr/bin/env python3
"""Assertions for the PyTorch peer (bench/peers/hybrid_torch.py), independent of the peer's tensors:

* every rollout (sampled, greedy, node and edge actions, every gnn_update_frequency) is complete on
  feasible instances, including sparse random digraphs with dead ends, parallel edges and self loops;
* each path is simple, starts at the source, ends at the destination and uses existing edges;
* the MLU equals a plain-Python computation from the raw JSON (parallel edges' capacities summed);
* per_commodity makes C passes (one all-commodity pass, then one Cs=1 pass per later commodity) and
  each later pass sees exactly the usage of the commodities before it;
* one gated GCN layer matches a dense per-node reference; a train step runs and changes the weights.

    python bench/peers/check_peer.py [--instances FILE.jsonl]
"""
import argparse
import copy
import json
import os
import random
import sys

import torch

sys.path.insert(0, os.path.dirname(os.path.abspath(__file__)))
import hybrid_torch as ht  # noqa: E402
from gen_nsfnet import instance as nsfnet_instance  # noqa: E402


def random_digraph_instance(rng, k, V=10, C=4):
    """Sparse random digraph (dead ends likely), a self loop and parallel edges; feasible pairs."""
    while True:
        edges = []
        for u in range(V):
            for v in rng.sample(range(V), 2):
                edges.append({"src": u, "dst": v, "capacity": rng.randrange(1000, 10000)})
        edges.append({"src": 0, "dst": 0, "capacity": 5000})            # self loop
        edges.append(dict(edges[1], capacity=777))                       # parallel edge
        succ = {u: {e["dst"] for e in edges if e["src"] == u and e["dst"] != u} for u in range(V)}

        def reach(s):
            seen, todo = {s}, [s]
            while todo:
                for w in succ[todo.pop()]:
                    if w not in seen:
                        seen.add(w)
                        todo.append(w)
            return seen

        pairs = [(s, d) for s in range(V) for d in reach(s) if d != s]
        if len(pairs) >= C:
            break
    comms = [{"src": s, "dst": d, "demand": rng.randint(5, 500)} for s, d in rng.sample(pairs, C)]
    return {"id": f"rand-{k}", "nodes": V, "edges": edges, "commodities": comms}


def reference_mlu(obj, paths):
    """Plain-Python MLU and path checks from the raw instance."""
    cap = {}
    for e in obj["edges"]:
        cap[(e["src"], e["dst"])] = cap.get((e["src"], e["dst"]), 0) + e["capacity"]
    load = {}
    for c, path in zip(obj["commodities"], paths):
        assert path[0] == c["src"] and path[-1] == c["dst"], (c, path)
        assert len(set(path)) == len(path), f"not simple: {path}"
        for u, v in zip(path, path[1:]):
            assert u != v and (u, v) in cap, f"no edge {u}->{v}"
            load[(u, v)] = load.get((u, v), 0) + c["demand"]
    return max(load.get(key, 0) / cap[key] for key in cap)


def check_rollouts(objs, cfg, label, greedy):
    model = ht.HybridModel(cfg, objs[0]["nodes"], len(objs[0]["commodities"]))
    insts = [ht.parse_instance(o) for o in objs]
    g = ht.collate(insts)
    gen = torch.Generator().manual_seed(3)
    calls = []
    encode = model.encode

    def spy(g_, ks, loads, first):
        calls.append((ks, loads.clone(), first))
        return encode(g_, ks, loads, first)

    model.encode = spy
    if greedy:
        model.eval()
        with torch.inference_mode():
            out = ht.rollout(model, g, cfg, gen, greedy_rows=torch.ones(g["B"], dtype=torch.bool),
                             record_paths=True)
    else:
        model.train()
        out = ht.rollout(model, g, cfg, gen, need_value=True, record_paths=True)
        assert out["value"].shape == (g["B"],) and out["logp"].requires_grad
    assert bool(out["complete"].all()), f"{label}: incomplete rollouts"
    worst = 0.0
    for r, obj in enumerate(objs):
        ref = reference_mlu(obj, out["paths"][r])
        worst = max(worst, abs(ref - float(out["mlu"][r])))
        assert abs(ref - float(out["mlu"][r])) <= 1e-9 * max(1.0, ref), (label, r, ref, float(out["mlu"][r]))
    C = len(objs[0]["commodities"])
    if cfg["gnn_update_frequency"] == "per_commodity":
        assert len(calls) == C, f"{label}: {len(calls)} passes for {C} commodities"
        assert calls[0][0] == slice(0, C) and not bool(calls[0][1].any())
        for k in range(1, C):
            ks, loads, first = calls[k]
            assert ks == slice(k, k + 1) and first == k
            # usage of commodities 0..k-1 from the paths, independently
            expect = torch.zeros_like(loads)
            link_of = {(int(g["src"][i]), int(g["dst"][i])): i for i in range(len(g["src"]))}
            for r, obj in enumerate(objs):
                for j in range(k):
                    path, d = out["paths"][r][j], obj["commodities"][j]["demand"]
                    for u, v in zip(path, path[1:]):
                        expect[link_of[(r * g["V"] + u, r * g["V"] + v)]] += d
            assert torch.equal(loads, expect), f"{label}: pass {k} usage differs"
    elif cfg["gnn_update_frequency"] == "never":
        assert len(calls) == 1
    print(f"ok {label}: {len(objs)} rows complete, passes {len(calls)}, max |mlu - ref| {worst:.2e}")


def check_layer_dense():
    torch.manual_seed(0)
    H, V = 8, 5
    layer = ht.GatedGCNLayer(H, "mean", 0.0).eval()
    with torch.no_grad():
        for bn in (layer.bn_h, layer.bn_e):
            bn.running_mean.uniform_(-1, 1)
            bn.running_var.uniform_(0.5, 2)
    src = torch.tensor([0, 0, 1, 2, 3, 3, 3])
    dst = torch.tensor([1, 2, 2, 0, 0, 1, 4])
    h = torch.randn(V, 2, H)
    e = torch.randn(len(src), 2, H)
    h2, e2 = layer(h, e, src, dst)
    with torch.no_grad():
        for v in range(V):
            num = torch.zeros(2, H)
            den = torch.zeros(2, H)
            for l in range(len(src)):
                if src[l] == v:
                    eh = layer.A(e[l]) + layer.B(h[v]) + layer.C(h[dst[l]])
                    num += torch.sigmoid(eh) * layer.V(h[dst[l]])
                    den += torch.sigmoid(eh)
            hh = layer.U(h[v]) + num / (den + 1e-20)
            bn = layer.bn_h
            ref = h[v] + torch.relu((hh - bn.running_mean) / torch.sqrt(bn.running_var + bn.eps)
                                    * bn.weight + bn.bias)
            assert torch.allclose(ref, h2[v], atol=1e-5), v
    print("ok gated GCN layer matches a dense per-node reference (mean aggregation)")


def check_mask_matters(objs, cfg):
    """Without the reachability mask, sampled rollouts on the sparse digraphs get stuck in dead ends."""
    g = ht.collate([ht.parse_instance(o) for o in objs])
    model = ht.HybridModel(cfg, objs[0]["nodes"], len(objs[0]["commodities"]))
    original = ht.reachable
    ht.reachable = lambda adj, visited, dst: ~visited
    try:
        with torch.no_grad():
            out = ht.rollout(model, g, cfg, torch.Generator().manual_seed(1))
    finally:
        ht.reachable = original
    rate = float(out["complete"].float().mean())
    assert rate < 1.0, "the random digraphs do not exercise the reachability mask"
    print(f"ok reachability mask matters: complete rate without it {rate:.2f}, with it 1.00")


def check_train_step(objs, cfg):
    torch.manual_seed(1)
    model = ht.HybridModel(cfg, objs[0]["nodes"], len(objs[0]["commodities"]))
    opt = torch.optim.AdamW(model.parameters(), lr=cfg["learning_rate"], weight_decay=0.0)
    before = copy.deepcopy(model.state_dict())
    g = ht.collate([ht.parse_instance(o) for o in objs])
    mlu, complete, loss = ht.train_step(model, opt, g, cfg, torch.Generator().manual_seed(5))
    assert bool(complete.all()) and torch.isfinite(torch.tensor(loss))
    changed = sum(not torch.equal(before[k], v) for k, v in model.state_dict().items())
    assert changed > 0
    print(f"ok train step: loss {loss:.4f}, {changed} tensors changed")


def main():
    ap = argparse.ArgumentParser()
    ap.add_argument("--instances", help="JSONL (default: generated NSFNET instances)")
    args = ap.parse_args()
    rng = random.Random(7)
    if args.instances:
        with open(args.instances) as f:
            nsf = [json.loads(line) for line in f if line.strip()][:16]
    else:
        nsf = [nsfnet_instance(rng, k, 5) for k in range(16)]
    # NSFNET with a parallel edge: merged into one link with the summed capacity
    nsf[0] = copy.deepcopy(nsf[0])
    nsf[0]["edges"].append({"src": 0, "dst": 1, "capacity": 123})
    rand = [random_digraph_instance(rng, k) for k in range(24)]
    small = dict(ht.DEFAULTS, hidden_dim=16, num_layers=2)
    check_layer_dense()
    for objs, name in ((nsf, "nsfnet"), (rand, "random-digraph")):
        for action in ("node", "edge"):
            for freq in ("per_commodity", "never", "per_step"):
                cfg = dict(small, action_type=action, gnn_update_frequency=freq)
                check_rollouts(objs, cfg, f"{name}/{action}/{freq}/sampled", greedy=False)
                check_rollouts(objs, cfg, f"{name}/{action}/{freq}/greedy", greedy=True)
        check_rollouts(objs, dict(small, sampling_top_p=1.0, sampling_temperature=2.0, aggregation="sum"),
                       f"{name}/top_p=1,T=2,sum", greedy=False)
    check_mask_matters(rand, small)
    check_train_step(nsf, small)
    print("all peer checks passed")


if __name__ == "__main__":
    main()
