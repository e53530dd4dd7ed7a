// keiro's custom ops on CUDA (f32): the device side of `core-rs/src/ops/*.rs`, whose `cuda` methods
// launch these. Compiled to PTX by build.rs (compute_90), loaded by `ops::cuda`.
//
// Conventions:
// - Row kernels ("block per row") run one thread block per output row; its threads stride over the
//   row's columns, and each thread sums its column over the row's links in the CPU kernel's order.
//   "Thread per row/link" kernels run one thread per item, sequential inside like the CPU.
// - No float atomics: every output element is written by one thread, so results do not depend on
//   scheduling. Scatter sides (backward over incoming links) read the `inc` CSR like the CPU.
// - Link structures arrive as u32 arrays (`ops::cuda_links`): src [M], dst [M], out_start [N+1],
//   inc_start [N_cols+1], inc [M].
// - Indices into row-major arrays go through size_t (`at`) so that M·W may exceed 2^32.

typedef unsigned int u32;
typedef unsigned char u8;

__device__ __forceinline__ size_t at(u32 row, u32 w, u32 col) { return (size_t)row * w + col; }

// Rust's f32::total_cmp as an integer key: a < b in that order iff key(a) < key(b) (−0 before +0,
// NaN last), so that kernels rank floats exactly as the CPU ops do.
__device__ __forceinline__ int total_key(float v) {
    const int i = __float_as_int(v);
    return i ^ (int)(((unsigned)(i >> 31)) >> 1);
}

__device__ __forceinline__ float sigmoid(float x) { return 1.0f / (1.0f + expf(-x)); }

__device__ __forceinline__ double sigmoid_d(double x) { return 1.0 / (1.0 + exp(-x)); }

// ---------------------------------------------------------------------------------------------
// gated_aggregate.rs

// out[v] = Σ_{l: src(l)=v} σ(g[l]) ⊙ x[dst(l)]  (mean: / (Σ σ(g[l]) + 1e-20)).
// g [M, W], x [N, W] → out [N, W]. Block per node v.
extern "C" __global__ void gated_aggregate(const float* g, const float* x, const u32* out_start, const u32* dst,
                                           float* out, u32 w, int mean) {
    const u32 v = blockIdx.x;
    for (u32 c = threadIdx.x; c < w; c += blockDim.x) {
        float o = 0.0f, d = 0.0f;
        for (u32 l = out_start[v]; l < out_start[v + 1]; ++l) {
            const float s = sigmoid(g[at(l, w, c)]);
            o = o + s * x[at(dst[l], w, c)];
            d = d + s;
        }
        if (mean) {
            d = d + 1e-20f;
            o = o / d;
        }
        out[at(v, w, c)] = o;
    }
}

// ∂g of gated_aggregate, and (mean) each node's denominator for the ∂x kernel.
// g [M, W], x [N, W], out [N, W], gr = ∂out [N, W] → dg [M, W], den [N, W] (mean only). Block per node v.
extern "C" __global__ void gated_aggregate_grad_links(const float* g, const float* x, const float* out, const float* gr,
                                                      const u32* out_start, const u32* dst, float* dg, float* den,
                                                      u32 w, int mean) {
    const u32 v = blockIdx.x;
    const u32 l0 = out_start[v], l1 = out_start[v + 1];
    for (u32 c = threadIdx.x; c < w; c += blockDim.x) {
        float d = 1e-20f;
        if (mean) {
            for (u32 l = l0; l < l1; ++l) d = d + sigmoid(g[at(l, w, c)]);
            den[at(v, w, c)] = d;
        }
        const float gv = gr[at(v, w, c)], ov = out[at(v, w, c)];
        for (u32 l = l0; l < l1; ++l) {
            const float s = sigmoid(g[at(l, w, c)]), xj = x[at(dst[l], w, c)];
            dg[at(l, w, c)] = mean ? gv * ((xj - ov) / d) * s * (1.0f - s) : gv * xj * s * (1.0f - s);
        }
    }
}

// ∂x_j = Σ_{l→j} ∂out_src ⊙ σ(g_l) (mean: / den_src). g [M, W], gr [N, W], den [N, W] → dx [N, W].
// Block per node j (rows j ≥ n_cols have no incoming links).
extern "C" __global__ void gated_aggregate_grad_nodes(const float* g, const float* gr, const float* den, const u32* src,
                                                      const u32* inc_start, const u32* inc, float* dx, u32 w,
                                                      u32 n_cols, int mean) {
    const u32 j = blockIdx.x;
    for (u32 c = threadIdx.x; c < w; c += blockDim.x) {
        float o = 0.0f;
        if (j < n_cols) {
            for (u32 k = inc_start[j]; k < inc_start[j + 1]; ++k) {
                const u32 l = inc[k], v = src[l];
                const float s = sigmoid(g[at(l, w, c)]), gv = gr[at(v, w, c)];
                o = mean ? o + gv * (s / den[at(v, w, c)]) : o + gv * s;
            }
        }
        dx[at(j, w, c)] = o;
    }
}

// ---------------------------------------------------------------------------------------------
// link_sum.rs

// z[l] = e[l] + a[src(l)] + b[dst(l)]. e [M, C], a [N, C], b [N_cols, C] → z [M, C]. Block per link.
extern "C" __global__ void link_sum(const float* e, const float* a, const float* b, const u32* src, const u32* dst,
                                    float* z, u32 c) {
    const u32 l = blockIdx.x;
    for (u32 k = threadIdx.x; k < c; k += blockDim.x) z[at(l, c, k)] = e[at(l, c, k)] + a[at(src[l], c, k)] + b[at(dst[l], c, k)];
}

// [∂a; ∂b]: rows v < n sum ∂z over v's out-links, rows n + u over u's incoming links.
// g [M, C] → out [N + N_cols, C]. Block per output row.
extern "C" __global__ void link_sum_grad(const float* g, const u32* out_start, const u32* inc_start, const u32* inc,
                                         float* out, u32 c, u32 n) {
    const u32 r = blockIdx.x;
    for (u32 k = threadIdx.x; k < c; k += blockDim.x) {
        float o = 0.0f;
        if (r < n) {
            for (u32 l = out_start[r]; l < out_start[r + 1]; ++l) o += g[at(l, c, k)];
        } else {
            for (u32 i = inc_start[r - n]; i < inc_start[r - n + 1]; ++i) o += g[at(inc[i], c, k)];
        }
        out[at(r, c, k)] = o;
    }
}

// ---------------------------------------------------------------------------------------------
// masked_log_softmax.rs

// z [T, D], mask [T, D] (1 = valid; every row has one, checked by the caller) → out [T, D]. Thread per row.
extern "C" __global__ void masked_log_softmax(const float* z, const u8* mask, float* out, u32 t, u32 d) {
    const u32 r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= t) return;
    const float* zr = z + (size_t)r * d;
    const u8* mr = mask + (size_t)r * d;
    float mx = -INFINITY;
    for (u32 k = 0; k < d; ++k)
        if (mr[k]) mx = fmaxf(mx, zr[k]);
    float sum = 0.0f;
    for (u32 k = 0; k < d; ++k)
        if (mr[k]) sum = sum + expf(zr[k] - mx);
    const float lse = logf(sum) + mx;
    for (u32 k = 0; k < d; ++k) out[(size_t)r * d + k] = mr[k] ? zr[k] - lse : -1e9f;
}

// ∂z = m ⊙ (G − exp(lp) · Σ_valid G). lp, g, mask [T, D] → [T, D]. Thread per row.
extern "C" __global__ void masked_log_softmax_grad(const float* lp, const float* g, const u8* mask, float* out, u32 t,
                                                   u32 d) {
    const u32 r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= t) return;
    const size_t o = (size_t)r * d;
    float total = 0.0f;
    for (u32 k = 0; k < d; ++k)
        if (mask[o + k]) total = total + g[o + k];
    for (u32 k = 0; k < d; ++k) out[o + k] = mask[o + k] ? g[o + k] - expf(lp[o + k]) * total : 0.0f;
}

// ---------------------------------------------------------------------------------------------
// spmm.rs (h heads of d = hd/h columns each)

// out[v] = Σ_{l: src(l)=v} w[l, head] · x[dst(l)]. w [E, h], x [N_cols, hd] → out [N, hd]. Block per node.
extern "C" __global__ void spmm(const float* w, const float* x, const u32* out_start, const u32* dst, float* out, u32 h,
                                u32 hd) {
    const u32 v = blockIdx.x, d = hd / h;
    for (u32 c = threadIdx.x; c < hd; c += blockDim.x) {
        const u32 k = c / d;
        float o = 0.0f;
        for (u32 l = out_start[v]; l < out_start[v + 1]; ++l) o = o + w[at(l, h, k)] * x[at(dst[l], hd, c)];
        out[at(v, hd, c)] = o;
    }
}

// ∂w[l, k] = ⟨G[src(l)], x[dst(l)]⟩ over head k's columns. g [N, hd], x [N_cols, hd] → [E, h]. Thread per (l, k).
extern "C" __global__ void spmm_grad_weights(const float* g, const float* x, const u32* src, const u32* dst, float* dw,
                                             u32 e, u32 h, u32 hd) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)e * h) return;
    const u32 l = (u32)(i / h), k = (u32)(i % h), d = hd / h;
    const float* gr = g + at(src[l], hd, k * d);
    const float* xr = x + at(dst[l], hd, k * d);
    float a = 0.0f;
    for (u32 j = 0; j < d; ++j) a = a + gr[j] * xr[j];
    dw[i] = a;
}

// ∂x[u] = Σ_{l: dst(l)=u} w[l, head] · G[src(l)]. g [N, hd], w [E, h] → [N_cols, hd]. Block per column node.
extern "C" __global__ void spmm_grad_rows(const float* g, const float* w, const u32* src, const u32* inc_start,
                                          const u32* inc, float* dx, u32 h, u32 hd) {
    const u32 u = blockIdx.x, d = hd / h;
    for (u32 c = threadIdx.x; c < hd; c += blockDim.x) {
        const u32 k = c / d;
        float o = 0.0f;
        for (u32 i = inc_start[u]; i < inc_start[u + 1]; ++i) {
            const u32 l = inc[i];
            o = o + w[at(l, h, k)] * g[at(src[l], hd, c)];
        }
        dx[at(u, hd, c)] = o;
    }
}

// ---------------------------------------------------------------------------------------------
// edge_scores.rs (heads of d = hd/heads columns; LeakyReLU with `slope` of `scale` · dot)

// s[l] = (1/H) Σ_h LeakyReLU(scale · ⟨q[src(l), h], k[dst(l), h]⟩). q, k [N, hd] → s [E]. Thread per link.
extern "C" __global__ void edge_scores(const float* q, const float* k, const u32* src, const u32* dst, float* s, u32 e,
                                       u32 hd, u32 heads, float scale, float slope, float inv_heads) {
    const u32 l = blockIdx.x * blockDim.x + threadIdx.x;
    if (l >= e) return;
    const u32 d = hd / heads;
    const float* qr = q + (size_t)src[l] * hd;
    const float* kr = k + (size_t)dst[l] * hd;
    float acc = 0.0f;
    for (u32 h = 0; h < heads; ++h) {
        float dot = 0.0f;
        for (u32 j = h * d; j < (h + 1) * d; ++j) dot = dot + qr[j] * kr[j];
        const float x = dot * scale;
        acc = acc + (x >= 0.0f ? x : slope * x);
    }
    s[l] = acc * inv_heads;
}

// ∂q (wrt_q: over v's out-links, other = k[dst]) or ∂k (over v's incoming links, other = q[src]).
// q, k [N, hd], g [E] → [N, hd]. Block per node; c_heads = scale / heads.
extern "C" __global__ void edge_scores_grad(const float* q, const float* k, const float* g, const u32* src,
                                            const u32* dst, const u32* out_start, const u32* inc_start, const u32* inc,
                                            float* out, u32 hd, u32 heads, float scale, float slope, float c_heads,
                                            int wrt_q) {
    const u32 v = blockIdx.x, d = hd / heads;
    const float* mine = wrt_q ? q : k;
    const float* other = wrt_q ? k : q;
    const float* row = mine + (size_t)v * hd;
    const u32 i0 = wrt_q ? out_start[v] : inc_start[v], i1 = wrt_q ? out_start[v + 1] : inc_start[v + 1];
    for (u32 c = threadIdx.x; c < hd; c += blockDim.x) {
        const u32 h0 = (c / d) * d;
        float o = 0.0f;
        for (u32 i = i0; i < i1; ++i) {
            const u32 l = wrt_q ? i : inc[i];
            const float* ur = other + (size_t)(wrt_q ? dst[l] : src[l]) * hd;
            float dot = 0.0f;
            for (u32 j = h0; j < h0 + d; ++j) dot = dot + row[j] * ur[j];
            const float deriv = dot * scale >= 0.0f ? 1.0f : slope;
            const float f = g[l] * c_heads * deriv;
            o += f * ur[c];
        }
        out[at(v, hd, c)] = o;
    }
}

// ---------------------------------------------------------------------------------------------
// sparse_dot.rs (pattern P: p_start [N+1], p_col [nnz], rows sorted by column)

// s[l] = Σ_f Q[src(l), f] · K[dst(l), f] (merge of two sorted pattern rows). q, k [nnz] → s [E]. Thread per link.
extern "C" __global__ void sparse_dot(const float* q, const float* k, const u32* p_start, const u32* p_col,
                                      const u32* src, const u32* dst, float* s, u32 e) {
    const u32 l = blockIdx.x * blockDim.x + threadIdx.x;
    if (l >= e) return;
    u32 i = p_start[src[l]], j = p_start[dst[l]];
    const u32 ie = p_start[src[l] + 1], je = p_start[dst[l] + 1];
    float acc = 0.0f;
    while (i < ie && j < je) {
        if (p_col[i] < p_col[j]) ++i;
        else if (p_col[i] > p_col[j]) ++j;
        else acc += q[i++] * k[j++];
    }
    s[l] = acc;
}

// ∂q (wrt_q: row v's out-links, other = k) or ∂k (row v's incoming links, other = q), for the pattern
// entries of row v. q, k [nnz], g [E] → [nnz]. Thread per pattern row.
extern "C" __global__ void sparse_dot_grad(const float* q, const float* k, const float* g, const u32* p_start,
                                           const u32* p_col, const u32* src, const u32* dst, const u32* out_start,
                                           const u32* inc_start, const u32* inc, float* out, u32 n, int wrt_q) {
    const u32 v = blockIdx.x * blockDim.x + threadIdx.x;
    if (v >= n) return;
    const float* other = wrt_q ? k : q;
    for (u32 e = p_start[v]; e < p_start[v + 1]; ++e) out[e] = 0.0f;
    const u32 i0 = wrt_q ? out_start[v] : inc_start[v], i1 = wrt_q ? out_start[v + 1] : inc_start[v + 1];
    for (u32 t = i0; t < i1; ++t) {
        const u32 l = wrt_q ? t : inc[t], u = wrt_q ? dst[l] : src[l];
        u32 i = p_start[v], j = p_start[u];
        const u32 ie = p_start[v + 1], je = p_start[u + 1];
        while (i < ie && j < je) {
            if (p_col[i] < p_col[j]) ++i;
            else if (p_col[i] > p_col[j]) ++j;
            else out[i++] += g[l] * other[j++];
        }
    }
}

// ---------------------------------------------------------------------------------------------
// soft_topk.rs

// Row weights σ((s − t)/τ) with Σ = k, t by 100 bisection steps in f64. s [N, C] → [N, C]. Thread per row.
extern "C" __global__ void soft_topk(const float* s, float* out, u32 n, u32 c, double k, double tau) {
    const u32 r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= n) return;
    const float* sr = s + (size_t)r * c;
    double lo = INFINITY, hi = -INFINITY;
    for (u32 j = 0; j < c; ++j) {
        lo = fmin(lo, (double)sr[j]);
        hi = fmax(hi, (double)sr[j]);
    }
    lo -= 40.0 * tau;
    hi += 40.0 * tau;
    for (int it = 0; it < 100; ++it) {
        const double mid = 0.5 * (lo + hi);
        double total = 0.0;
        for (u32 j = 0; j < c; ++j) total += sigmoid_d(((double)sr[j] - mid) / tau);
        if (total > k) lo = mid;
        else hi = mid;
    }
    const double t = 0.5 * (lo + hi);
    for (u32 j = 0; j < c; ++j) out[(size_t)r * c + j] = (float)sigmoid_d(((double)sr[j] - t) / tau);
}

// ∂s = (d/τ) ⊙ (G − Σ G d / Σ d), d = w (1 − w). w, g [N, C] → [N, C]. Thread per row.
extern "C" __global__ void soft_topk_grad(const float* w, const float* g, float* out, u32 n, u32 c, float inv_tau) {
    const u32 r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= n) return;
    const size_t o = (size_t)r * c;
    float dsum = 0.0f, gd = 0.0f;
    for (u32 j = 0; j < c; ++j) dsum = dsum + w[o + j] * (1.0f - w[o + j]);
    for (u32 j = 0; j < c; ++j) gd = gd + w[o + j] * (1.0f - w[o + j]) * g[o + j];
    const float mean = dsum > 0.0f ? gd / dsum : 0.0f;
    for (u32 j = 0; j < c; ++j) out[o + j] = w[o + j] * (1.0f - w[o + j]) * inv_tau * (g[o + j] - mean);
}

// ---------------------------------------------------------------------------------------------
// batch_norm.rs

// Per group and column: μ and 1/√(σ² + ε), sums in f64. x [R, H], offsets [G+1] → mean, inv [G, H].
// Thread per (group, column).
extern "C" __global__ void batch_norm_stats(const float* x, const u32* offsets, float* mean, float* inv, u32 g, u32 h,
                                            float eps) {
    const u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= g * h) return;
    const u32 grp = i / h, j = i % h, r0 = offsets[grp], r1 = offsets[grp + 1];
    const double rows = (double)(r1 - r0);
    double s = 0.0;
    for (u32 r = r0; r < r1; ++r) s += (double)x[at(r, h, j)];
    const double m = s / rows;
    double v = 0.0;
    for (u32 r = r0; r < r1; ++r) {
        const double dx = (double)x[at(r, h, j)] - m;
        v += dx * dx;
    }
    mean[i] = (float)m;
    inv[i] = 1.0f / sqrtf((float)(v / rows) + eps);
}

// z = γ (x − μ) inv + β of column j: one expression for the forward and the backward's ReLU mask.
__device__ __forceinline__ float bn_z(float x, const float* gb, float mean, float inv, u32 j, u32 h) {
    return gb[j] * (x - mean) * inv + gb[h + j];
}

// y = r + m ⊙ ReLU(γ (x − μ) inv + β) (relu = 0: no ReLU; has_mask = 0: no m). x, r, m [R, H],
// gb [2, H], of [R] (row → group), mean, inv [G, H] → y [R, H]. Thread per element.
extern "C" __global__ void batch_norm_apply(const float* x, const float* gb, const float* res, const float* m,
                                            const u32* of, const float* mean, const float* inv, float* y, u32 r, u32 h,
                                            int relu, int has_mask) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)r * h) return;
    const u32 row = (u32)(i / h), j = (u32)(i % h);
    const size_t s = at(of[row], h, j);
    float z = bn_z(x[i], gb, mean[s], inv[s], j, h);
    if (relu) z = fmaxf(z, 0.0f);
    y[i] = res[i] + (has_mask ? m[i] * z : z);
}

// δ = ∂y ⊙ m ⊙ [z > 0] of element i (column j), with the forward's z (relu = 0: no [z > 0]).
__device__ __forceinline__ float bn_delta(const float* x, const float* gb, const float* m, const float* dy, float mean,
                                          float inv, size_t i, u32 j, u32 h, int relu, int has_mask) {
    float d = dy[i];
    if (relu && !(bn_z(x[i], gb, mean, inv, j, h) > 0.0f)) d = 0.0f;
    return has_mask ? m[i] * d : d;
}

// Backward, step 1: per group and column, Σ δ and Σ δ ⊙ x̂ over the group's rows (f64, row order) →
// sums [G, 2H], and their means per row → per_row [G, 2H]. Thread per (group, column).
extern "C" __global__ void batch_norm_grad_sums(const float* x, const float* gb, const float* m, const float* dy,
                                                const u32* offsets, const float* mean, const float* inv, double* sums,
                                                float* per_row, u32 g, u32 h, int relu, int has_mask) {
    const u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= g * h) return;
    const u32 grp = i / h, j = i % h, r0 = offsets[grp], r1 = offsets[grp + 1];
    const float mu = mean[i], iv = inv[i];
    double sd = 0.0, sdx = 0.0;
    for (u32 r = r0; r < r1; ++r) {
        const size_t e = at(r, h, j);
        const float d = bn_delta(x, gb, m, dy, mu, iv, e, j, h, relu, has_mask);
        sd += (double)d;
        sdx += (double)(d * (x[e] - mu) * iv);
    }
    const double rows = (double)(r1 - r0);
    sums[at(grp, 2 * h, j)] = sd;
    sums[at(grp, 2 * h, h + j)] = sdx;
    per_row[at(grp, 2 * h, j)] = (float)(sd / rows);
    per_row[at(grp, 2 * h, h + j)] = (float)(sdx / rows);
}

// Backward, step 2: ∂γ = Σ_g Σ δ ⊙ x̂ and ∂β = Σ_g Σ δ per column (groups in order) → rows R and
// R + 1 of out [R + 2, H]. Thread per column.
extern "C" __global__ void batch_norm_grad_params(const double* sums, float* out, u32 r, u32 g, u32 h) {
    const u32 j = blockIdx.x * blockDim.x + threadIdx.x;
    if (j >= h) return;
    double dgamma = 0.0, dbeta = 0.0;
    for (u32 grp = 0; grp < g; ++grp) {
        dbeta += sums[at(grp, 2 * h, j)];
        dgamma += sums[at(grp, 2 * h, h + j)];
    }
    out[at(r, h, j)] = (float)dgamma;
    out[at(r + 1, h, j)] = (float)dbeta;
}

// Backward, step 3: ∂x = γ inv (δ − mean δ − x̂ ⊙ mean(δ ⊙ x̂)) → rows 0..R of out [R + 2, H]. Thread per
// element.
extern "C" __global__ void batch_norm_grad_x(const float* x, const float* gb, const float* m, const float* dy,
                                             const u32* of, const float* mean, const float* inv, const float* per_row,
                                             float* out, u32 r, u32 h, int relu, int has_mask) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)r * h) return;
    const u32 row = (u32)(i / h), j = (u32)(i % h), grp = of[row];
    const size_t s = at(grp, h, j);
    const float d = bn_delta(x, gb, m, dy, mean[s], inv[s], i, j, h, relu, has_mask);
    const float xhat = (x[i] - mean[s]) * inv[s];
    out[i] = gb[j] * inv[s] * (d - per_row[at(grp, 2 * h, j)] - xhat * per_row[at(grp, 2 * h, h + j)]);
}

// ---------------------------------------------------------------------------------------------
// hybrid/walk.rs

// SplitMix64's finaliser (rng.rs `_fmix`).
__device__ __forceinline__ unsigned long long fmix64(unsigned long long z) {
    z = (z ^ (z >> 30)) * 0xBF58476D1CE4E5B9ULL;
    z = (z ^ (z >> 27)) * 0x94D049BB133111EBULL;
    return z ^ (z >> 31);
}

// rng.rs `counter_unit(&[a, b, c])`: the same 53-bit uniform draw in [0, 1).
__device__ double counter_unit3(unsigned long long a, unsigned long long b, unsigned long long c) {
    unsigned long long h = 0x6A09E667F3BCC909ULL;
    h = fmix64(h ^ fmix64(a + 0x9E3779B97F4A7C15ULL));
    h = fmix64(h ^ fmix64(b + 0x9E3779B97F4A7C15ULL));
    h = fmix64(h ^ fmix64(c + 0x9E3779B97F4A7C15ULL));
    return (double)(h >> 11) * (1.0 / 9007199254740992.0);
}

#define WALK_MAX_SLOTS 64  // walk.rs KERNEL_SLOTS

// One commodity's walk over `hops` hops (numbered hop0, hop0 + 1, …) in every episode, under fixed
// logits: walk.rs `_walk_episode` with policy decisions, step for step. Thread per episode e (node
// rows e·V … e·V + V − 1 of the union graph). Per hop: a reverse breadth-first search from the
// destination over links whose tail is unvisited (reach), the valid slots (link exists, head ≠ u,
// head unvisited and reaching), then the arg-max (lowest slot on ties) or, when sample[e] and more
// than one slot is valid, a draw under temperature and top-p from counter_unit3(stream[e], k, hop).
// z [N, D], slot_link [N·D] (m = none), cur0/target/stream/sample/active0 [B], visited [B·V] (the
// walk's start, then updated in place) → slots [B, H] (−1: no hop), masks [B, H, D]; reach, queue
// [B·V] are scratch.
extern "C" __global__ void walk(const float* z, const u32* slot_link, const u32* src, const u32* dst,
                                const u32* inc_start, const u32* inc, const u32* cur0, const u8* active0,
                                const u32* target, const unsigned long long* stream, const u8* sample, u32 nb,
                                u32 v, u32 d, u32 m, u32 k, u32 hop0, u32 hops, double temperature, double top_p,
                                u8* visited, u8* reach, u32* queue, int* slots, u8* masks) {
    const u32 e = blockIdx.x * blockDim.x + threadIdx.x;
    if (e >= nb) return;
    const u32 base = e * v;
    u8* vis = visited + (size_t)base;
    u8* rch = reach + (size_t)base;
    u32* q = queue + (size_t)base;
    for (size_t i = (size_t)e * hops; i < (size_t)(e + 1) * hops; ++i) slots[i] = -1;
    u32 u = cur0[e];
    const u32 t = target[e];
    bool on = active0[e] != 0;
    double p[WALK_MAX_SLOTS];
    int idx[WALK_MAX_SLOTS];
    for (u32 h = 0; h < hops && on; ++h) {
        for (u32 i = 0; i < v; ++i) rch[i] = 0;
        rch[t] = 1;
        q[0] = t;
        u32 head = 0, tail = 1;
        while (head < tail) {
            const u32 x = q[head++];
            for (u32 i = inc_start[base + x]; i < inc_start[base + x + 1]; ++i) {
                const u32 y = src[inc[i]] - base;
                if (!rch[y] && !vis[y]) {
                    rch[y] = 1;
                    q[tail++] = y;
                }
            }
        }
        u8* mk = masks + ((size_t)e * hops + h) * d;
        const size_t row = (size_t)(base + u) * d;
        int best = -1, valid = 0;
        for (u32 s = 0; s < d; ++s) {
            const u32 l = slot_link[row + s];
            u8 ok = 0;
            if (l < m) {
                const u32 y = dst[l] - base;
                ok = y != u && !vis[y] && rch[y];
            }
            mk[s] = ok;
            if (ok) {
                ++valid;
                if (best < 0 || total_key(z[row + s]) > total_key(z[row + best])) best = (int)s;
            }
        }
        if (valid == 0) break;  // stuck: the commodity stays incomplete
        int pick = best;
        if (sample[e] && valid > 1) {
            const double mx = (double)z[row + best];
            int n = 0;
            double total = 0.0;
            for (u32 s = 0; s < d; ++s) {
                if (!mk[s]) continue;
                p[n] = exp(((double)z[row + s] - mx) / temperature);
                idx[n] = (int)s;
                total += p[n];
                ++n;
            }
            // Most probable first, the lower slot first on ties.
            for (int i = 1; i < n; ++i) {
                for (int j = i; j > 0 && (p[j - 1] < p[j] || (p[j - 1] == p[j] && idx[j - 1] > idx[j])); --j) {
                    const double tp = p[j]; p[j] = p[j - 1]; p[j - 1] = tp;
                    const int ti = idx[j]; idx[j] = idx[j - 1]; idx[j - 1] = ti;
                }
            }
            int kept = 0;
            double mass = 0.0;
            for (int i = 0; i < n; ++i) {
                ++kept;
                mass += p[i] / total;
                if (mass >= top_p) break;
            }
            double keep = 0.0;
            for (int i = 0; i < kept; ++i) keep += p[i];
            double r = counter_unit3(stream[e], k, hop0 + h) * keep;
            pick = idx[kept - 1];
            for (int i = 0; i < kept; ++i) {
                r -= p[i];
                if (r < 0.0) {
                    pick = idx[i];
                    break;
                }
            }
        }
        slots[(size_t)e * hops + h] = pick;
        const u32 y = dst[slot_link[row + pick]] - base;
        vis[y] = 1;
        u = y;
        on = y != t;
    }
}

// ---------------------------------------------------------------------------------------------
// glm/block_topk.rs

#define TOPK_MAX 128  // block_topk.rs KERNEL_CANDIDATES

// The c best columns of each score row, self excluded, within the row's pool of `pool` consecutive
// columns, best first (f32::total_cmp), the lower column first on ties (block_topk.rs `select_rows`). s [b, n] holds
// rows start … start + b − 1 → out [b, c]. Thread per row: columns in increasing order into a sorted
// list of c, so an equal score never displaces an earlier column.
extern "C" __global__ void topk_rows(const float* s, u32* out, u32 b, u32 n, u32 start, u32 pool, u32 c) {
    const u32 r = blockIdx.x * blockDim.x + threadIdx.x;
    if (r >= b) return;
    const u32 me = start + r, lo = me / pool * pool;
    int val[TOPK_MAX];  // total_key of the scores
    u32 col[TOPK_MAX];
    u32 len = 0;
    const float* row = s + (size_t)r * n;
    for (u32 j = lo; j < lo + pool; ++j) {
        if (j == me) continue;
        const int v = total_key(row[j]);
        if (len == c && v <= val[c - 1]) continue;
        u32 p = len < c ? len++ : c - 1;
        while (p > 0 && v > val[p - 1]) {
            val[p] = val[p - 1];
            col[p] = col[p - 1];
            --p;
        }
        val[p] = v;
        col[p] = j;
    }
    for (u32 i = 0; i < c; ++i) out[at(r, c, i)] = col[i];
}

// ---------------------------------------------------------------------------------------------
// softplus.rs

// y = max(x, 0) + log1p(e^(−|x|)). x [n] → y [n]. Thread per element.
extern "C" __global__ void softplus(const float* x, float* y, u32 n) {
    const u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n) return;
    y[i] = fmaxf(x[i], 0.0f) + log1pf(expf(-fabsf(x[i])));
}

// ---------------------------------------------------------------------------------------------
// cgcnn_gate.rs

// σ(x) and softplus(x) from one exponential (cgcnn_gate.rs `_sigmoid_softplus`).
__device__ __forceinline__ void sigmoid_softplus(float x, float* s, float* sp) {
    const float e = expf(-fabsf(x));
    const float r = 1.0f / (1.0f + e);
    *s = x >= 0.0f ? r : e * r;
    *sp = fmaxf(x, 0.0f) + logf(1.0f + e);
}

// y[i, j] = Σ_m σ(z[i, m, j]) softplus(z[i, m, H + j]). z [N, M, 2H] → y [N, H]. Thread per element.
extern "C" __global__ void cgcnn_gate(const float* z, float* y, u32 n, u32 m, u32 h) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)n * h) return;
    const size_t atom = i / h;
    const u32 j = (u32)(i % h);
    float o = 0.0f;
    for (u32 k = 0; k < m; ++k) {
        const size_t row = (atom * m + k) * 2 * h;
        float sf, pf, sc, pc;
        sigmoid_softplus(z[row + j], &sf, &pf);
        sigmoid_softplus(z[row + h + j], &sc, &pc);
        o = o + sf * pc;
    }
    y[i] = o;
}

// ∂f = g softplus(c) σ(f)(1 − σ(f)), ∂c = g σ(f) σ(c). z [N·M, 2H], g [N, H] → out [N·M, 2H]. Thread
// per (row, column < H).
extern "C" __global__ void cgcnn_gate_grad(const float* z, const float* g, float* out, u32 rows, u32 m, u32 h) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)rows * h) return;
    const size_t r = i / h, row = r * 2 * h;
    const u32 j = (u32)(i % h);
    float sf, pf, sc, pc;
    sigmoid_softplus(z[row + j], &sf, &pf);
    sigmoid_softplus(z[row + h + j], &sc, &pc);
    const float gv = g[(r / m) * h + j];
    out[row + j] = gv * pc * sf * (1.0f - sf);
    out[row + h + j] = gv * sf * sc;
}

// ---------------------------------------------------------------------------------------------
// weighted_softmax.rs

// The segment maximum and the weighted sum S + 1e-20 of node v's out-links, head k.
__device__ __forceinline__ void ws_segment(const float* z, const float* w, u32 l0, u32 l1, u32 h, u32 k, float* mx,
                                           float* total) {
    float m = -INFINITY;
    for (u32 l = l0; l < l1; ++l) m = fmaxf(m, z[at(l, h, k)]);
    float t = 0.0f;
    for (u32 l = l0; l < l1; ++l) t = t + w[l] * expf(z[at(l, h, k)] - m);
    *mx = m;
    *total = t + 1e-20f;
}

// α[l, k] = w[l] exp(z[l, k] − m) / S over the out-links of each node. z [E, H], w [E] → out [E, H].
// Thread per (node, head).
extern "C" __global__ void weighted_softmax(const float* z, const float* w, const u32* out_start, float* out, u32 n,
                                            u32 h) {
    const u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n * h) return;
    const u32 v = i / h, k = i % h, l0 = out_start[v], l1 = out_start[v + 1];
    float m, total;
    ws_segment(z, w, l0, l1, h, k, &m, &total);
    for (u32 l = l0; l < l1; ++l) out[at(l, h, k)] = expf(z[at(l, h, k)] - m) / total * w[l];
}

// Per node and head: m, S + 1e-20 and Σ_l w[l] p[l, k] G[l, k] (p = exp(z − m) / S) → mx, tot, mean
// [N, H]. Thread per (node, head).
extern "C" __global__ void weighted_softmax_centre(const float* z, const float* w, const float* g, const u32* out_start,
                                                   float* mx, float* tot, float* mean, u32 n, u32 h) {
    const u32 i = blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= n * h) return;
    const u32 v = i / h, k = i % h, l0 = out_start[v], l1 = out_start[v + 1];
    float m, total;
    ws_segment(z, w, l0, l1, h, k, &m, &total);
    float s = 0.0f;
    for (u32 l = l0; l < l1; ++l) s = s + w[l] * (expf(z[at(l, h, k)] - m) / total) * g[at(l, h, k)];
    mx[i] = m;
    tot[i] = total;
    mean[i] = s;
}

// ∂z[l, k] = w[l] p[l, k] (G[l, k] − mean[src(l), k]). → dz [E, H]. Thread per element.
extern "C" __global__ void weighted_softmax_grad_z(const float* z, const float* w, const float* g, const u32* src,
                                                   const float* mx, const float* tot, const float* mean, float* dz,
                                                   u32 e, u32 h) {
    const size_t i = (size_t)blockIdx.x * blockDim.x + threadIdx.x;
    if (i >= (size_t)e * h) return;
    const u32 l = (u32)(i / h), k = (u32)(i % h);
    const size_t s = at(src[l], h, k);
    const float p = expf(z[i] - mx[s]) / tot[s];
    dz[i] = w[l] * p * (g[i] - mean[s]);
}

// ∂w[l] = Σ_k p[l, k] (G[l, k] − mean[src(l), k]). → dw [E]. Thread per link.
extern "C" __global__ void weighted_softmax_grad_w(const float* z, const float* g, const u32* src, const float* mx,
                                                   const float* tot, const float* mean, float* dw, u32 e, u32 h) {
    const u32 l = blockIdx.x * blockDim.x + threadIdx.x;
    if (l >= e) return;
    float a = 0.0f;
    for (u32 k = 0; k < h; ++k) {
        const size_t i = at(l, h, k), s = at(src[l], h, k);
        a = a + expf(z[i] - mx[s]) / tot[s] * (g[i] - mean[s]);
    }
    dw[l] = a;
}
