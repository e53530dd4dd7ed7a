#!/usr/bin/env python3
"""PyTorch peer of keiro's hybrid GCN + Teal model (docs/hybrid.md), for speed benchmarks.

One file: instance loading, the model (residual gated GCN encoder, node/edge policy head, global value
head), the batched sequential rollout, the A2C step and the benchmark CLI.

    python bench/peers/hybrid_torch.py --instances FILE.jsonl --config CONFIG.json \
        --mode train|infer --batch B[,B...] --samples S --steps N --threads T --seed S [--device cuda]

On `--device cuda` the same code runs on the GPU: CUDA is the default device, the collated batches
move there, sampling draws from a CUDA generator, and each step ends with a synchronize.

prints one JSON line per batch size (each on a fresh model drawn from the seed): {"mode", "threads", "torch", "batch", "samples", "steps", "seconds",
"episodes_per_s" | "instances_per_s", "mean_mlu", "complete_rate", "parameters", ...}.

Shapes: B = rows of a batch (instances x samples), V nodes, E = links of the whole batch (parallel
edges merged, self loops dropped; the batch is one disjoint graph), C commodities, Cs = commodities a
pass computes (C or 1), H = hidden_dim, D = largest out-degree.
"""

import argparse
import json
import math
import os
import random
import sys
import time

import numpy as np
import torch
import torch.nn as nn
import torch.nn.functional as F

NEG = -1e9  # masked logit (finite: an all-masked row stays a finite, ignored distribution)

DEFAULTS = {
    "hidden_dim": 128,
    "num_layers": 8,
    "aggregation": "mean",
    "dropout_rate": 0.3,
    "action_type": "node",
    "policy_head_mlp_layers": 2,
    "value_head_mlp_layers": 3,
    "gnn_update_frequency": "per_commodity",
    "sampling_temperature": 1.0,
    "sampling_top_p": 0.9,
    "learning_rate": 0.0005,
    "entropy_weight": 0.01,
    "value_loss_weight": 0.5,
    "weight_decay": 0.0,
    "grad_clip": 1.0,
    "normalize_advantage": True,
    "max_path_length": None,  # None: V - 1 hops
}


def load_config(path):
    cfg = dict(DEFAULTS)
    if path:
        with open(path) as f:
            raw = json.load(f)
        for key, value in raw.items():
            if key.startswith("_") or key not in DEFAULTS:
                continue  # unknown keys and comments are ignored
            cfg[key] = value
    if cfg["aggregation"] not in ("mean", "sum"):
        raise SystemExit(f"aggregation must be mean or sum, got {cfg['aggregation']!r}")
    if cfg["action_type"] not in ("node", "edge"):
        raise SystemExit(f"action_type must be node or edge, got {cfg['action_type']!r}")
    if cfg["gnn_update_frequency"] not in ("never", "per_commodity", "per_step"):
        raise SystemExit(f"unknown gnn_update_frequency {cfg['gnn_update_frequency']!r}")
    return cfg


# ----------------------------------------------------------------------------------------------------
# Instances and batches


def parse_instance(obj):
    """One TE instance (docs/design.md) -> numpy arrays; parallel links merged (capacities summed)."""
    nodes = obj["nodes"]
    num_nodes = nodes if isinstance(nodes, int) else len(nodes)
    merged = {}
    for edge in obj["edges"]:
        s, d = int(edge["src"]), int(edge["dst"])
        if s == d:
            continue  # a self loop can never be taken
        merged[(s, d)] = merged.get((s, d), 0.0) + float(edge["capacity"])
    keys = sorted(merged)
    comms = obj["commodities"]
    return {
        "V": num_nodes,
        "src": np.array([k[0] for k in keys], dtype=np.int64),
        "dst": np.array([k[1] for k in keys], dtype=np.int64),
        "cap": np.array([merged[k] for k in keys], dtype=np.float64),
        "csrc": np.array([int(c["src"]) for c in comms], dtype=np.int64),
        "cdst": np.array([int(c["dst"]) for c in comms], dtype=np.int64),
        "dem": np.array([float(c["demand"]) for c in comms], dtype=np.float64),
    }


def load_instances(path):
    out = []
    with open(path) as f:
        for line in f:
            if line.strip():
                out.append(parse_instance(json.loads(line)))
    if not out:
        raise SystemExit(f"{path}: no instances")
    V, C = out[0]["V"], len(out[0]["dem"])
    for i, inst in enumerate(out):
        if inst["V"] != V or len(inst["dem"]) != C:
            raise SystemExit(f"{path}: instance {i} has {inst['V']} nodes / {len(inst['dem'])} "
                             f"commodities, the first has {V} / {C} (the global value head needs one size)")
    return out


def collate(instances):
    """Rows of a batch -> one disjoint graph. Every row has the same V and C."""
    B, V, C = len(instances), instances[0]["V"], len(instances[0]["dem"])
    src, dst, row, cap, capn = [], [], [], [], []
    deg = [np.bincount(inst["src"], minlength=V) for inst in instances]
    D = max(1, max(int(d.max()) if len(d) else 0 for d in deg))
    nbr_node = np.zeros((B, V, D), dtype=np.int64)    # next node of slot j of node u
    nbr_link = np.zeros((B, V, D), dtype=np.int64)    # its link, an index into the batch's E links
    nbr_ok = np.zeros((B, V, D), dtype=bool)          # slot holds a real link
    adj = np.zeros((B, V, V), dtype=np.float32)       # adj[b, u, v] = 1 if link u -> v
    offset = 0
    for b, inst in enumerate(instances):
        E = len(inst["src"])
        src.append(inst["src"] + b * V)
        dst.append(inst["dst"] + b * V)
        row.append(np.full(E, b, dtype=np.int64))
        cap.append(inst["cap"])
        capn.append(inst["cap"] / inst["cap"].max())
        fill = np.zeros(V, dtype=np.int64)
        for l in range(E):
            u, v = inst["src"][l], inst["dst"][l]
            j = fill[u]
            fill[u] += 1
            nbr_node[b, u, j] = v
            nbr_link[b, u, j] = offset + l
            nbr_ok[b, u, j] = True
            adj[b, u, v] = 1.0
        offset += E
    maxcap = np.array([inst["cap"].max() for inst in instances])
    dem = np.stack([inst["dem"] for inst in instances])                       # [B, C]
    t = torch.from_numpy
    return {
        "B": B, "V": V, "C": C, "D": D,
        "src": t(np.concatenate(src)), "dst": t(np.concatenate(dst)),          # [E] global node ids
        "row": t(np.concatenate(row)),                                         # [E] batch row of a link
        "cap": t(np.concatenate(cap)),                                         # [E] float64
        "capn": t(np.concatenate(capn)).float(),                               # [E] cap / largest cap
        "nbr_node": t(nbr_node), "nbr_link": t(nbr_link), "nbr_ok": t(nbr_ok),  # [B, V, D]
        "adj": t(adj),                                                         # [B, V, V]
        "csrc": t(np.stack([inst["csrc"] for inst in instances])),            # [B, C]
        "cdst": t(np.stack([inst["cdst"] for inst in instances])),            # [B, C]
        "dem": t(dem),                                                         # [B, C] float64
        "demn": t(dem / maxcap[:, None]).float(),                              # [B, C] / largest cap
    }


# ----------------------------------------------------------------------------------------------------
# Model


class MLP(nn.Module):
    """`hidden_layers` Linear+ReLU layers of width `hidden`, then a Linear to `d_out`."""

    def __init__(self, d_in, d_out, hidden, hidden_layers):
        super().__init__()
        layers, d = [], d_in
        for _ in range(hidden_layers):
            layers += [nn.Linear(d, hidden), nn.ReLU()]
            d = hidden
        layers.append(nn.Linear(d, d_out))
        self.net = nn.Sequential(*layers)

    def forward(self, x):
        return self.net(x)


class GatedGCNLayer(nn.Module):
    """Residual gated GCN layer on real links (graph-convnet-tsp), sigmoid gates."""

    def __init__(self, H, aggregation, dropout):
        super().__init__()
        self.A, self.B, self.C = nn.Linear(H, H), nn.Linear(H, H), nn.Linear(H, H)
        self.U, self.V = nn.Linear(H, H), nn.Linear(H, H)
        self.bn_h, self.bn_e = nn.BatchNorm1d(H), nn.BatchNorm1d(H)
        self.drop = nn.Dropout(dropout)
        self.mean = aggregation == "mean"

    def forward(self, h, e, src, dst):
        # h: [N, Cs, H] (N = B*V nodes), e: [E, Cs, H], src/dst: [E] node ids
        H = h.shape[-1]
        e_hat = self.A(e) + self.B(h)[src] + self.C(h)[dst]           # [E, Cs, H]
        gate = torch.sigmoid(e_hat)                                     # [E, Cs, H]
        msg = gate * self.V(h)[dst]                                     # [E, Cs, H]
        agg = h.new_zeros(h.shape).index_add_(0, src, msg)              # [N, Cs, H] sum over out-links
        if self.mean:
            agg = agg / (h.new_zeros(h.shape).index_add_(0, src, gate) + 1e-20)
        h_hat = self.U(h) + agg                                         # [N, Cs, H]
        h = h + self.drop(F.relu(self.bn_h(h_hat.reshape(-1, H)).reshape(h.shape)))
        e = e + self.drop(F.relu(self.bn_e(e_hat.reshape(-1, H)).reshape(e.shape)))
        return h, e


class HybridModel(nn.Module):
    def __init__(self, cfg, V, C):
        super().__init__()
        H = cfg["hidden_dim"]
        H1, H2 = H // 2, H - H // 2
        self.H, self.V, self.C = H, V, C
        self.action_type = cfg["action_type"]
        self.role_emb = nn.Embedding(3, H1)     # 0 none, 1 source, 2 destination
        self.w_d = nn.Linear(3, H2)             # [d_k, out_v, in_v]
        self.w_c = nn.Linear(1, H1)             # capacity
        self.w_u = nn.Linear(2, H2)             # [util, util_after]
        self.layers = nn.ModuleList(
            GatedGCNLayer(H, cfg["aggregation"], cfg["dropout_rate"]) for _ in range(cfg["num_layers"]))
        pl = cfg["policy_head_mlp_layers"]
        if self.action_type == "node":
            self.policy = MLP(2 * H, V, H, pl)  # [h_u || h_dst] -> V logits
        else:
            self.policy = MLP(H, 1, H, pl)      # e_l -> 1 score
        self.value = MLP(V * C * H, 1, H, cfg["value_head_mlp_layers"])

    def encode(self, g, ks, loads, first_remaining):
        """One GCN pass for the commodities `ks` (a slice) with link usage `loads` ([E] float64).
        Commodities j >= first_remaining are still to be routed.  -> h [B, V, Cs, H], e [E, Cs, H]"""
        B, V, C = g["B"], g["V"], g["C"]
        csrc, cdst = g["csrc"][:, ks], g["cdst"][:, ks]                       # [B, Cs]
        Cs = csrc.shape[1]
        nodes = torch.arange(V).view(1, V, 1)
        role = (nodes == csrc[:, None, :]).long() + 2 * (nodes == cdst[:, None, :]).long()  # [B, V, Cs]
        remaining = g["demn"] * (torch.arange(C) >= first_remaining).float()   # [B, C]
        out_v = torch.zeros(B, V).scatter_add_(1, g["csrc"], remaining)        # [B, V] demand leaving v
        in_v = torch.zeros(B, V).scatter_add_(1, g["cdst"], remaining)         # [B, V] demand entering v
        dfeat = torch.stack([
            g["demn"][:, ks][:, None, :].expand(B, V, Cs),
            out_v[:, :, None].expand(B, V, Cs),
            in_v[:, :, None].expand(B, V, Cs)], dim=-1)                        # [B, V, Cs, 3]
        h = torch.cat([self.role_emb(role), self.w_d(dfeat)], dim=-1)          # [B, V, Cs, H]
        h = h.reshape(B * V, Cs, self.H)                                       # [N, Cs, H]

        E = g["cap"].shape[0]
        dk = g["dem"][:, ks][g["row"]]                                         # [E, Cs] float64
        util = (loads / g["cap"])[:, None].expand(E, Cs)                       # [E, Cs]
        util_after = (loads[:, None] + dk) / g["cap"][:, None]                 # [E, Cs]
        ufeat = torch.stack([util, util_after], dim=-1).float()                # [E, Cs, 2]
        e = torch.cat([self.w_c(g["capn"][:, None])[:, None, :].expand(E, Cs, -1),
                       self.w_u(ufeat)], dim=-1)                               # [E, Cs, H]
        for layer in self.layers:
            h, e = layer(h, e, g["src"], g["dst"])
        return h.reshape(B, V, Cs, self.H), e

    def neighbour_logits(self, g, h, e, slot, cur, dst):
        """Logits of the out-links of each row's current node. -> [B, D]"""
        b = torch.arange(g["B"])
        if self.action_type == "node":
            x = torch.cat([h[b, cur, slot], h[b, dst, slot]], dim=-1)         # [B, 2H]
            logits = self.policy(x)                                            # [B, V]
            return logits.gather(1, g["nbr_node"][b, cur])                     # [B, D]
        links = g["nbr_link"][b, cur]                                          # [B, D]
        return self.policy(e[links, slot]).squeeze(-1)                         # [B, D, H] -> [B, D]

    def state_value(self, h):
        # h: [B, V, C, H] of the all-commodity pass
        return self.value(h.reshape(h.shape[0], -1)).squeeze(-1)               # [B]


# ----------------------------------------------------------------------------------------------------
# Rollout


def reachable(adj, visited, dst):
    """[B, V] bool: nodes not visited from which dst is reachable through non-visited nodes."""
    B, V, _ = adj.shape
    allowed = (~visited).float()                                               # [B, V]
    r = F.one_hot(dst, V).float()                                              # [B, V]
    for _ in range(V - 1):
        step = (torch.bmm(adj, r.unsqueeze(-1)).squeeze(-1) > 0).float() * allowed
        nr = torch.maximum(r, step)
        if torch.equal(nr, r):
            break
        r = nr
    return r > 0


def top_p_sample(probs, top_p, gen):
    """The seed's nucleus rule: keep the sorted prefix with cumulative mass <= top_p (at least one)."""
    if top_p >= 1.0:
        return torch.multinomial(probs, 1, generator=gen).squeeze(1)
    sp, si = probs.sort(dim=-1, descending=True)                               # [B, D]
    keep = sp.cumsum(-1) <= top_p
    keep[:, 0] = True
    pick = torch.multinomial(sp * keep, 1, generator=gen)                      # [B, 1]
    return si.gather(1, pick).squeeze(1)


def rollout(model, g, cfg, gen, greedy_rows=None, need_value=False, record_paths=False):
    """Route every commodity of every row. greedy_rows: [B] bool (arg-max), None: all sampled.
    -> dict(mlu [B] float64, complete [B] bool, logp [B], entropy [B], value [B] | None, paths)."""
    B, V, C = g["B"], g["V"], g["C"]
    temp, top_p = cfg["sampling_temperature"], cfg["sampling_top_p"]
    freq = cfg["gnn_update_frequency"]
    max_hops = cfg["max_path_length"] or V - 1
    b = torch.arange(B)
    loads = torch.zeros(g["cap"].shape[0], dtype=torch.float64)               # [E] usage
    logp = torch.zeros(B)
    ent = torch.zeros(B)
    complete = torch.ones(B, dtype=torch.bool)
    value = None
    paths = [[None] * C for _ in range(B)] if record_paths else None

    h_all, e_all = model.encode(g, slice(0, C), loads, 0)                      # [B, V, C, H], [E, C, H]
    if need_value:
        value = model.state_value(h_all)                                       # [B]
    for k in range(C):
        if k == 0 or freq == "never":
            h, e, slot = h_all, e_all, k
        else:
            h, e = model.encode(g, slice(k, k + 1), loads, k)                  # [B, V, 1, H], [E, 1, H]
            slot = 0
        cur = g["csrc"][:, k].clone()                                          # [B]
        dst = g["cdst"][:, k]                                                  # [B]
        dk = g["dem"][:, k]                                                    # [B] float64
        visited = F.one_hot(cur, V).bool()                                     # [B, V]
        active = cur != dst                                                    # [B]
        hops = [cur.clone()] if record_paths else None
        for hop in range(max_hops):
            if not bool(active.any()):
                break
            if freq == "per_step" and not (hop == 0 and k == 0):
                h, e = model.encode(g, slice(k, k + 1), loads, k)
                slot = 0
            nb = g["nbr_node"][b, cur]                                         # [B, D]
            valid = g["nbr_ok"][b, cur] & reachable(g["adj"], visited, dst).gather(1, nb)
            valid &= active[:, None]                                           # [B, D]
            stuck = active & ~valid.any(1)
            complete &= ~stuck
            active &= ~stuck
            logits = model.neighbour_logits(g, h, e, slot, cur, dst) / temp    # [B, D]
            logits = logits.masked_fill(~valid, NEG)
            lp = F.log_softmax(logits, dim=-1)                                 # [B, D]
            p = lp.exp()
            with torch.no_grad():
                if greedy_rows is not None and bool(greedy_rows.all()):
                    a = logits.argmax(-1)
                else:
                    a = top_p_sample(p.detach(), top_p, gen)                   # [B]
                    if greedy_rows is not None:
                        a = torch.where(greedy_rows, logits.argmax(-1), a)
            if torch.is_grad_enabled():
                act = active.float()
                logp = logp + lp.gather(1, a[:, None]).squeeze(1) * act
                ent = ent - (p * lp).sum(-1) * act
            nxt = nb.gather(1, a[:, None]).squeeze(1)                          # [B]
            link = g["nbr_link"][b, cur].gather(1, a[:, None]).squeeze(1)      # [B]
            loads.index_add_(0, link[active], dk[active])                      # usage counts every hop
            cur = torch.where(active, nxt, cur)
            visited |= F.one_hot(cur, V).bool() & active[:, None]
            if record_paths:
                hops.append(cur.clone())
            active &= cur != dst
        complete &= ~active                                                    # hop cap reached
        if record_paths:
            steps = torch.stack(hops, 1).tolist()                              # [B, hops + 1]
            for r in range(B):
                path = [steps[r][0]]
                for n in steps[r][1:]:
                    if n != path[-1]:
                        path.append(n)
                paths[r][k] = path
    util = loads / g["cap"]                                                    # [E]
    mlu = torch.zeros(B, dtype=torch.float64).scatter_reduce_(0, g["row"], util, "amax")  # [B]
    return {"mlu": mlu, "complete": complete, "logp": logp, "entropy": ent, "value": value,
            "paths": paths}


# ----------------------------------------------------------------------------------------------------
# Steps


def train_step(model, opt, g, cfg, gen):
    """One A2C step on a batch of instances x samples. Reward 2 - 2*MLU (clipped; -2 if incomplete)."""
    model.train()
    out = rollout(model, g, cfg, gen, need_value=True)
    reward = torch.where(out["complete"], (2.0 - 2.0 * out["mlu"]).clamp(-2.0, 2.0),
                         torch.full_like(out["mlu"], -2.0)).float()            # [B]
    value = out["value"]                                                       # [B]
    adv = reward - value.detach()
    if cfg["normalize_advantage"] and adv.numel() > 1:
        adv = (adv - adv.mean()) / (adv.std() + 1e-8)
    actor = -(out["logp"] * adv).mean()
    critic = F.mse_loss(value, reward)
    entropy = out["entropy"].mean()
    loss = actor + cfg["value_loss_weight"] * critic - cfg["entropy_weight"] * entropy
    opt.zero_grad(set_to_none=True)
    loss.backward()
    torch.nn.utils.clip_grad_norm_(model.parameters(), cfg["grad_clip"])
    opt.step()
    return out["mlu"], out["complete"], float(loss.detach())


def infer_step(model, g, cfg, gen, samples):
    """Greedy decode (+ samples-1 sampled routings, lowest complete MLU wins). Rows are i*samples+s."""
    model.eval()
    with torch.inference_mode():
        greedy = (torch.arange(g["B"]) % samples) == 0
        out = rollout(model, g, cfg, gen, greedy_rows=greedy)
    mlu = torch.where(out["complete"], out["mlu"], torch.full_like(out["mlu"], math.inf))
    best = mlu.view(-1, samples).min(1).values                                 # [instances]
    complete = torch.isfinite(best)
    return torch.where(complete, best, out["mlu"].view(-1, samples)[:, 0]), complete


# ----------------------------------------------------------------------------------------------------
# CLI


def seed_everything(seed):
    random.seed(seed)
    np.random.seed(seed)
    torch.manual_seed(seed)


def batch_rows(instances, start, batch, samples):
    """Instances start..start+batch (cycling), each repeated `samples` times (rows i*samples + s)."""
    picked = [instances[(start + i) % len(instances)] for i in range(batch)]
    return [inst for inst in picked for _ in range(samples)]


def main(argv=None):
    ap = argparse.ArgumentParser(description=__doc__.split("\n")[0])
    ap.add_argument("--instances", required=True, help="JSONL of TE instances (same V and C)")
    ap.add_argument("--config", help="model config JSON (docs/hybrid.md keys)")
    ap.add_argument("--mode", choices=["train", "infer"], default="train")
    ap.add_argument("--batch", default="32", help="instances per step; a comma-separated list runs each in turn")
    ap.add_argument("--samples", type=int, default=1, help="rollouts per instance (infer: best-of-N)")
    ap.add_argument("--steps", type=int, default=10, help="timed steps")
    ap.add_argument("--warmup", type=int, default=2, help="untimed steps first")
    ap.add_argument("--threads", type=int, default=1)
    ap.add_argument("--seed", type=int, default=1)
    ap.add_argument("--device", default="cpu", help="cpu, cuda or cuda:N")
    args = ap.parse_args(argv)

    torch.set_num_threads(args.threads)
    device = torch.device(args.device)
    torch.set_default_device(device)
    cuda = device.type == "cuda"
    cfg = load_config(args.config)
    instances = load_instances(args.instances)
    V, C = instances[0]["V"], len(instances[0]["dem"])
    for batch in [int(b) for b in args.batch.split(",")]:
        seed_everything(args.seed)
        gen = torch.Generator(device=device).manual_seed(args.seed + 1)
        model = HybridModel(cfg, V, C)
        params = sum(p.numel() for p in model.parameters())
        opt = torch.optim.AdamW(model.parameters(), lr=cfg["learning_rate"],
                                weight_decay=cfg["weight_decay"])

        # Batches are collated once (the native side also keeps its dataset resident).
        batches = {}

        def get_batch(step):
            start = (step * batch) % len(instances)
            if start not in batches:
                g = collate(batch_rows(instances, start, batch, args.samples))
                batches[start] = {k: v.to(device) if torch.is_tensor(v) else v for k, v in g.items()}
            return batches[start]

        for step in range(args.warmup + args.steps):
            get_batch(step)

        mlus, completes = [], []
        t0 = None
        for step in range(args.warmup + args.steps):
            if step == args.warmup:
                t0, c0 = time.perf_counter(), time.process_time()
            g = get_batch(step)
            if args.mode == "train":
                mlu, complete, _ = train_step(model, opt, g, cfg, gen)
            else:
                mlu, complete = infer_step(model, g, cfg, gen, args.samples)
            if cuda:
                torch.cuda.synchronize(device)
            if step >= args.warmup:
                mlus.append(mlu)
                completes.append(complete)
        seconds = time.perf_counter() - (t0 if t0 is not None else time.perf_counter())
        cpu_seconds = time.process_time() - c0 if t0 is not None else 0.0
        mlu = torch.cat(mlus) if mlus else torch.zeros(0, dtype=torch.float64)
        complete = torch.cat(completes) if completes else torch.zeros(0, dtype=torch.bool)
        result = {
            "mode": args.mode,
            "threads": args.threads,
            "torch": torch.__version__,
            "device": str(device),
            "gpu": torch.cuda.get_device_name(device) if cuda else None,
            "cuda": torch.version.cuda if cuda else None,
            "batch": batch,
            "samples": args.samples,
            "steps": args.steps,
            "seconds": round(seconds, 4),
            "cpu_seconds": round(cpu_seconds, 4),   # process CPU time of the timed steps (all threads)
            "load_avg_1m": round(os.getloadavg()[0], 2),  # the machine's load at the end (others' jobs)
            "omp_wait_policy": os.environ.get("OMP_WAIT_POLICY"),  # PASSIVE matters on a shared machine
        }
        if args.mode == "train":
            result["episodes_per_s"] = round(batch * args.samples * args.steps / seconds, 3) if seconds else None
        else:
            result["instances_per_s"] = round(batch * args.steps / seconds, 3) if seconds else None
        result.update({
            "mean_mlu": round(float(mlu[complete].mean()), 6) if bool(complete.any()) else None,
            "complete_rate": round(float(complete.float().mean()), 6) if complete.numel() else None,
            "parameters": params,
            "nodes": V,
            "commodities": C,
            "hidden_dim": cfg["hidden_dim"],
            "num_layers": cfg["num_layers"],
            "action_type": cfg["action_type"],
            "gnn_update_frequency": cfg["gnn_update_frequency"],
        })
        print(json.dumps(result), flush=True)


if __name__ == "__main__":
    main(sys.argv[1:])
