// keiro.cu's `walk` kernel run on the host, one "thread" after another: CUDA's keywords become plain
// C++ (the kernel uses no shared memory, warps or atomics, so a sequential loop over the threads is
// the same computation). Reads a case written by `tests/walk_kernel_host.rs`, prints for every
// episode `e slot:mask slot:mask …` (the hops it took).
#include <cmath>
#include <cstdio>
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
#include "../../kernels/keiro.cu"

int main(int argc, char** argv) {
    if (argc != 2) return 2;
    std::ifstream in(argv[1]);
    std::map<std::string, std::vector<std::string>> a;
    std::string line;
    while (std::getline(in, line)) {
        std::istringstream words(line);
        std::string name, x;
        words >> name;
        while (words >> x) a[name].push_back(x);
    }
    auto u32s = [&](const char* k) { std::vector<u32> v; for (auto& s : a[k]) v.push_back(std::stoul(s)); return v; };
    auto u8s = [&](const char* k) { std::vector<u8> v; for (auto& s : a[k]) v.push_back((u8)std::stoul(s)); return v; };
    std::vector<float> z;
    for (auto& s : a["z"]) z.push_back(std::stof(s));
    std::vector<unsigned long long> stream;
    for (auto& s : a["stream"]) stream.push_back(std::stoull(s));
    auto slot_link = u32s("slot_link"), src = u32s("src"), dst = u32s("dst"), inc_start = u32s("inc_start"),
         inc = u32s("inc"), cur = u32s("cur"), target = u32s("target"), dims = u32s("dims");
    auto visited0 = u8s("visited"), active = u8s("active"), sample = u8s("sample");
    const u32 nb = dims[0], v = dims[1], d = dims[2], m = dims[3], k = dims[4], hop0 = dims[5], hops = dims[6];
    const double temperature = std::stod(a["options"][0]), top_p = std::stod(a["options"][1]);
    std::vector<u8> visited(nb * v), reach(nb * v), masks((size_t)nb * hops * d);
    std::vector<u32> queue(nb * v);
    std::vector<int> slots((size_t)nb * hops);
    blockDim.x = 128;
    for (u32 e = 0; e < nb; ++e) {
        blockIdx.x = e / blockDim.x;
        threadIdx.x = e % blockDim.x;
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
    return 0;
}
