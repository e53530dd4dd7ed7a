// keiro.cu's thread-per-item kernels run on the host, one "thread" after another: CUDA's keywords
// become plain C++ (these kernels use no shared memory, warps or atomics, so a sequential loop over
// the threads is the same computation). `kernels_host KERNEL CASE` reads a case written by
// `tests/kernels_host.rs` and prints the kernel's results as text:
// - walk: for every episode `e slot:mask slot:mask …` (the hops it took);
// - topk_rows: for every row its c columns.
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
    auto visited0 = u8s(a, "visited"), active = u8s(a, "active"), sample = u8s(a, "sample");
    const u32 nb = dims[0], v = dims[1], d = dims[2], m = dims[3], k = dims[4], hop0 = dims[5], hops = dims[6];
    const double temperature = std::stod(a["options"][0]), top_p = std::stod(a["options"][1]);
    std::vector<u8> visited(nb * v), reach(nb * v), masks((size_t)nb * hops * d);
    std::vector<u32> queue(nb * v);
    std::vector<int> slots((size_t)nb * hops);
    for (u32 e = 0; e < nb; ++e) {
        at_item(e);
        walk(z.data(), slot_link.data(), src.data(), dst.data(), inc_start.data(), inc.data(), cur.data(),
             visited0.data(), active.data(), target.data(), stream.data(), sample.data(), nb, v, d, m, k, hop0, hops,
             temperature, top_p, visited.data(), reach.data(), queue.data(), slots.data(), masks.data());
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

int main(int argc, char** argv) {
    if (argc != 3) return 2;
    Case a = read_case(argv[2]);
    const std::string kernel = argv[1];
    if (kernel == "walk") {
        run_walk(a);
    } else if (kernel == "topk_rows") {
        run_topk_rows(a);
    } else {
        return 2;
    }
    return 0;
}
