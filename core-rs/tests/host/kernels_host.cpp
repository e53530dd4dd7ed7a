// keiro.cu's thread-per-item kernels run on the host, one "thread" after another: CUDA's keywords
// become plain C++ (these kernels use no shared memory, warps or atomics, so a sequential loop over
// the threads is the same computation). `kernels_host KERNEL CASE` reads a case written by
// `tests/kernels_host.rs` and prints the kernel's results as text:
// - walk: for every episode `e slot:mask slot:mask …` (the hops it took);
// - topk_rows: for every row its c columns;
// - gated_aggregate, link_sum, masked_log_softmax, spmm, edge_scores, sparse_dot, soft_topk, softplus,
//   cgcnn_gate, weighted_softmax, batch_norm:
//   each output array on one line, `name v v …` (forward and backward kernels, launched with the grids
//   and in the order the ops launch them).
#include <cmath>
#include <cstdio>
#include <cstring>
#include <fstream>
#include <map>
#include <sstream>
#include <string>
#include <vector>
using std::exp;
struct Dim3 { unsigned x = 0, y = 0, z = 0; };
static Dim3 blockIdx, threadIdx, blockDim;
#define __global__
#define __device__
#define __forceinline__ inline
#define __shared__ static
#define __syncthreads()
inline int __float_as_int(float f) {
    int i;
    std::memcpy(&i, &f, sizeof i);
    return i;
}
#include "../../kernels/keiro.cu"

using Case = std::map<std::string, std::vector<std::string>>;

static Case read_case(const char* path) {
    std::ifstream in(path);
    Case a;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string name, x;
        words >> name;
        while (words >> x) a[name].push_back(x);
    }
    return a;
}

static std::vector<u32> u32s(Case& a, const char* k) {
    std::vector<u32> v;
    for (auto& s : a[k]) v.push_back(std::stoul(s));
    return v;
}

static std::vector<u8> u8s(Case& a, const char* k) {
    std::vector<u8> v;
    for (auto& s : a[k]) v.push_back((u8)std::stoul(s));
    return v;
}

static std::vector<float> f32s(Case& a, const char* k) {
    std::vector<float> v;
    for (auto& s : a[k]) v.push_back(std::stof(s));
    return v;
}

// A link index as the kernels read it (`ops::cuda_links`; written by kernels_host.rs `index_lines`).
struct Links {
    std::vector<u32> out_start, src, dst, inc_start, inc;
};

static Links links(Case& a) {
    return Links{u32s(a, "out_start"), u32s(a, "src"), u32s(a, "dst"), u32s(a, "inc_start"), u32s(a, "inc")};
}

// Sets the thread's coordinates for item i of a 1-D launch of 128-thread blocks.
static void at_item(u32 i) {
    blockDim.x = 128;
    blockIdx.x = i / blockDim.x;
    threadIdx.x = i % blockDim.x;
}

static void run_walk(Case& a) {
    auto z = f32s(a, "z");
    std::vector<unsigned long long> stream;
    for (auto& s : a["stream"]) stream.push_back(std::stoull(s));
    auto slot_link = u32s(a, "slot_link"), src = u32s(a, "src"), dst = u32s(a, "dst"), inc_start = u32s(a, "inc_start"),
         inc = u32s(a, "inc"), cur = u32s(a, "cur"), target = u32s(a, "target"), dims = u32s(a, "dims");
    auto visited = u8s(a, "visited"), active = u8s(a, "active"), sample = u8s(a, "sample");
    const u32 nb = dims[0], v = dims[1], d = dims[2], m = dims[3], k = dims[4], hop0 = dims[5], hops = dims[6];
    const double temperature = std::stod(a["options"][0]), top_p = std::stod(a["options"][1]);
    std::vector<u8> reach(nb * v), masks((size_t)nb * hops * d);
    std::vector<u32> queue(nb * v);
    std::vector<int> slots((size_t)nb * hops);
    for (u32 e = 0; e < nb; ++e) {
        at_item(e);
        walk(z.data(), slot_link.data(), src.data(), dst.data(), inc_start.data(), inc.data(), cur.data(), active.data(),
             target.data(), stream.data(), sample.data(), nb, v, d, m, k, hop0, hops, temperature, top_p, visited.data(),
             reach.data(), queue.data(), slots.data(), masks.data());
    }
    for (u32 e = 0; e < nb; ++e) {
        printf("%u", e);
        for (u32 h = 0; h < hops && slots[(size_t)e * hops + h] >= 0; ++h) {
            printf(" %d:", slots[(size_t)e * hops + h]);
            for (u32 s = 0; s < d; ++s) printf("%d", masks[((size_t)e * hops + h) * d + s]);
        }
        printf("\n");
    }
}

static void run_topk_rows(Case& a) {
    auto s = f32s(a, "s");
    auto dims = u32s(a, "dims");
    const u32 b = dims[0], n = dims[1], start = dims[2], pool = dims[3], c = dims[4];
    std::vector<u32> out((size_t)b * c);
    for (u32 r = 0; r < b; ++r) {
        at_item(r);
        topk_rows(s.data(), out.data(), b, n, start, pool, c);
    }
    for (u32 r = 0; r < b; ++r) {
        for (u32 i = 0; i < c; ++i) printf(i ? " %u" : "%u", out[(size_t)r * c + i]);
        printf("\n");
    }
}

// Runs f(i) for i in 0..count as the threads of a 1-D launch.
template <typename F>
static void grid(size_t count, F f) {
    for (size_t i = 0; i < count; ++i) {
        at_item((u32)i);
        f();
    }
}

// Runs f() as the threads of `rows` blocks of 128 (the ops' `per_row` launches).
template <typename F>
static void blocks(size_t rows, F f) {
    blockDim.x = 128;
    for (size_t b = 0; b < rows; ++b) {
        for (u32 t = 0; t < blockDim.x; ++t) {
            blockIdx.x = (u32)b;
            threadIdx.x = t;
            f();
        }
    }
}

static void print(const char* name, const std::vector<float>& v) {
    printf("%s", name);
    for (float x : v) printf(" %.9g", x);
    printf("\n");
}

static void run_gated_aggregate(Case& a) {
    auto g = f32s(a, "g"), x = f32s(a, "x"), gr = f32s(a, "gr");
    auto ix = links(a);
    auto& [out_start, src, dst, inc_start, inc] = ix;
    auto d = u32s(a, "dims");
    const u32 n = d[0], m = d[1], w = d[2];
    const int mean = (int)d[3];
    std::vector<float> y((size_t)n * w), den((size_t)n * w), dg((size_t)m * w), dx((size_t)n * w);
    blocks(n, [&] { gated_aggregate(g.data(), x.data(), out_start.data(), dst.data(), y.data(), w, mean); });
    blocks(n, [&] {
        gated_aggregate_grad_links(g.data(), x.data(), y.data(), gr.data(), out_start.data(), dst.data(), dg.data(), den.data(),
                                   w, mean);
    });
    blocks(n, [&] {
        gated_aggregate_grad_nodes(g.data(), gr.data(), den.data(), src.data(), inc_start.data(), inc.data(), dx.data(), w, n,
                                   mean);
    });
    print("y", y);
    print("dg", dg);
    print("dx", dx);
}

static void run_link_sum(Case& a) {
    auto e = f32s(a, "e"), av = f32s(a, "a"), b = f32s(a, "b"), g = f32s(a, "g");
    auto ix = links(a);
    auto& [out_start, src, dst, inc_start, inc] = ix;
    auto d = u32s(a, "dims");
    const u32 n = d[0], m = d[1], c = d[2];
    std::vector<float> z((size_t)m * c), both((size_t)2 * n * c);
    blocks(m, [&] { link_sum(e.data(), av.data(), b.data(), src.data(), dst.data(), z.data(), c); });
    blocks(2 * n, [&] { link_sum_grad(g.data(), out_start.data(), inc_start.data(), inc.data(), both.data(), c, n); });
    print("z", z);
    print("dab", both);
}

static void run_masked_log_softmax(Case& a) {
    auto z = f32s(a, "z"), g = f32s(a, "g");
    auto mask = u8s(a, "mask");
    auto d = u32s(a, "dims");
    const u32 t = d[0], dd = d[1];
    std::vector<float> lp((size_t)t * dd), dz((size_t)t * dd);
    grid(t, [&] { masked_log_softmax(z.data(), mask.data(), lp.data(), t, dd); });
    grid(t, [&] { masked_log_softmax_grad(lp.data(), g.data(), mask.data(), dz.data(), t, dd); });
    print("y", lp);
    print("dz", dz);
}

static void run_spmm(Case& a) {
    auto w = f32s(a, "w"), x = f32s(a, "x"), g = f32s(a, "g");
    auto ix = links(a);
    auto& [out_start, src, dst, inc_start, inc] = ix;
    auto d = u32s(a, "dims");
    const u32 n = d[0], e = d[1], h = d[2], hd = d[3];
    std::vector<float> y((size_t)n * hd), dw((size_t)e * h), dx((size_t)n * hd);
    blocks(n, [&] { spmm(w.data(), x.data(), out_start.data(), dst.data(), y.data(), h, hd); });
    grid((size_t)e * h, [&] { spmm_grad_weights(g.data(), x.data(), src.data(), dst.data(), dw.data(), e, h, hd); });
    blocks(n, [&] { spmm_grad_rows(g.data(), w.data(), src.data(), inc_start.data(), inc.data(), dx.data(), h, hd); });
    print("y", y);
    print("dw", dw);
    print("dx", dx);
}

static void run_edge_scores(Case& a) {
    auto q = f32s(a, "q"), k = f32s(a, "k"), g = f32s(a, "g"), o = f32s(a, "options");
    auto ix = links(a);
    auto& [out_start, src, dst, inc_start, inc] = ix;
    auto d = u32s(a, "dims");
    const u32 n = d[0], e = d[1], hd = d[2], heads = d[3];
    const float scale = o[0], slope = o[1], inv = o[2], c = o[3];
    std::vector<float> sc(e), dq((size_t)n * hd), dk((size_t)n * hd);
    grid(e, [&] { edge_scores(q.data(), k.data(), src.data(), dst.data(), sc.data(), e, hd, heads, scale, slope, inv); });
    for (int wrt_q = 1; wrt_q >= 0; --wrt_q) {
        blocks(n, [&] {
            edge_scores_grad(q.data(), k.data(), g.data(), src.data(), dst.data(), out_start.data(), inc_start.data(),
                             inc.data(), wrt_q ? dq.data() : dk.data(), hd, heads, scale, slope, c, wrt_q);
        });
    }
    print("y", sc);
    print("dq", dq);
    print("dk", dk);
}

static void run_sparse_dot(Case& a) {
    auto q = f32s(a, "q"), k = f32s(a, "k"), g = f32s(a, "g");
    auto p_start = u32s(a, "p_start"), p_col = u32s(a, "p_col"), d = u32s(a, "dims");
    auto ix = links(a);
    auto& [out_start, src, dst, inc_start, inc] = ix;
    const u32 n = d[0], e = d[1];
    std::vector<float> sc(e), dq(q.size()), dk(k.size());
    grid(e, [&] { sparse_dot(q.data(), k.data(), p_start.data(), p_col.data(), src.data(), dst.data(), sc.data(), e); });
    for (int wrt_q = 1; wrt_q >= 0; --wrt_q) {
        grid(n, [&] {
            sparse_dot_grad(q.data(), k.data(), g.data(), p_start.data(), p_col.data(), src.data(), dst.data(),
                            out_start.data(), inc_start.data(), inc.data(), wrt_q ? dq.data() : dk.data(), n, wrt_q);
        });
    }
    print("y", sc);
    print("dq", dq);
    print("dk", dk);
}

static void run_soft_topk(Case& a) {
    auto x = f32s(a, "s"), g = f32s(a, "g");
    auto d = u32s(a, "dims");
    const u32 n = d[0], c = d[1];
    const double k = std::stod(a["options"][0]), tau = std::stod(a["options"][1]);
    std::vector<float> y((size_t)n * c), dx((size_t)n * c);
    grid(n, [&] { soft_topk(x.data(), y.data(), n, c, k, tau); });
    grid(n, [&] { soft_topk_grad(y.data(), g.data(), dx.data(), n, c, (float)(1.0 / tau)); });
    print("y", y);
    print("dz", dx);
}

static void run_softplus(Case& a) {
    auto x = f32s(a, "x");
    std::vector<float> y(x.size());
    grid(x.size(), [&] { softplus(x.data(), y.data(), (u32)x.size()); });
    print("y", y);
}

static void run_cgcnn_gate(Case& a) {
    auto z = f32s(a, "z"), g = f32s(a, "g");
    auto d = u32s(a, "dims");
    const u32 n = d[0], m = d[1], h = d[2];
    std::vector<float> y((size_t)n * h), dz(z.size());
    grid((size_t)n * h, [&] { cgcnn_gate(z.data(), y.data(), n, m, h); });
    grid((size_t)n * m * h, [&] { cgcnn_gate_grad(z.data(), g.data(), dz.data(), n * m, m, h); });
    print("y", y);
    print("dz", dz);
}

static void run_weighted_softmax(Case& a) {
    auto z = f32s(a, "z"), w = f32s(a, "w"), g = f32s(a, "g");
    auto ix = links(a);
    auto& [out_start, src, dst, inc_start, inc] = ix;
    auto d = u32s(a, "dims");
    const u32 n = d[0], e = d[1], h = d[2];
    std::vector<float> y((size_t)e * h), mx((size_t)n * h), tot((size_t)n * h), mean((size_t)n * h), dz((size_t)e * h), dw(e);
    grid((size_t)n * h, [&] { weighted_softmax(z.data(), w.data(), out_start.data(), y.data(), n, h); });
    grid((size_t)n * h, [&] {
        weighted_softmax_centre(z.data(), w.data(), g.data(), out_start.data(), mx.data(), tot.data(), mean.data(), n, h);
    });
    grid((size_t)e * h, [&] {
        weighted_softmax_grad_z(z.data(), w.data(), g.data(), src.data(), mx.data(), tot.data(), mean.data(), dz.data(), e, h);
    });
    grid(e, [&] { weighted_softmax_grad_w(z.data(), g.data(), src.data(), mx.data(), tot.data(), mean.data(), dw.data(), e, h); });
    print("y", y);
    print("dz", dz);
    print("dw", dw);
}

static void run_batch_norm(Case& a) {
    auto x = f32s(a, "x"), gb = f32s(a, "gb"), res = f32s(a, "res"), m = f32s(a, "m"), g = f32s(a, "g");
    auto offsets = u32s(a, "offsets"), d = u32s(a, "dims");
    const u32 r = d[0], h = d[1], relu = d[2], has_mask = d[3], grp = (u32)offsets.size() - 1;
    std::vector<u32> of(r);
    for (u32 k = 0; k < grp; ++k)
        for (u32 i = offsets[k]; i < offsets[k + 1]; ++i) of[i] = k;
    std::vector<float> mean((size_t)grp * h), inv((size_t)grp * h), y((size_t)r * h), per_row((size_t)grp * 2 * h),
        out((size_t)(r + 2) * h);
    std::vector<double> sums((size_t)grp * 2 * h);
    grid((size_t)grp * h, [&] { batch_norm_stats(x.data(), offsets.data(), mean.data(), inv.data(), grp, h, 1e-5f); });
    grid((size_t)r * h, [&] {
        batch_norm_apply(x.data(), gb.data(), res.data(), m.data(), of.data(), mean.data(), inv.data(), y.data(), r, h,
                         (int)relu, (int)has_mask);
    });
    grid((size_t)grp * h, [&] {
        batch_norm_grad_sums(x.data(), gb.data(), m.data(), g.data(), offsets.data(), mean.data(), inv.data(), sums.data(),
                             per_row.data(), grp, h, (int)relu, (int)has_mask);
    });
    grid(h, [&] { batch_norm_grad_params(sums.data(), out.data(), r, grp, h); });
    grid((size_t)r * h, [&] {
        batch_norm_grad_x(x.data(), gb.data(), m.data(), g.data(), of.data(), mean.data(), inv.data(), per_row.data(),
                          out.data(), r, h, (int)relu, (int)has_mask);
    });
    print("y", y);
    print("grad", out);
}

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    Case a = read_case(argv[2]);
    const std::string kernel = argv[1];
    if (kernel == "walk") {
        run_walk(a);
    } else if (kernel == "topk_rows") {
        run_topk_rows(a);
    } else if (kernel == "gated_aggregate") {
        run_gated_aggregate(a);
    } else if (kernel == "link_sum") {
        run_link_sum(a);
    } else if (kernel == "masked_log_softmax") {
        run_masked_log_softmax(a);
    } else if (kernel == "spmm") {
        run_spmm(a);
    } else if (kernel == "edge_scores") {
        run_edge_scores(a);
    } else if (kernel == "sparse_dot") {
        run_sparse_dot(a);
    } else if (kernel == "soft_topk") {
        run_soft_topk(a);
    } else if (kernel == "softplus") {
        run_softplus(a);
    } else if (kernel == "cgcnn_gate") {
        run_cgcnn_gate(a);
    } else if (kernel == "weighted_softmax") {
        run_weighted_softmax(a);
    } else if (kernel == "batch_norm") {
        run_batch_norm(a);
    } else {
        return 2;
    }
    return 0;
}
