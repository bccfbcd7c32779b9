// Decodes one image file the way a Bale worker does and prints the tensor's shape and a checksum.
//
//   decode_one IMAGE [SIZE]
//
// The whole image is resized to SIZE x SIZE (default 224), converted to RGB and normalized with the
// ImageNet mean and std into float32 CHW.
#include "bale/transform.h"

#include <cstdint>
#include <cstdio>
#include <cstdlib>
#include <fstream>
#include <iterator>
#include <vector>

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s IMAGE [SIZE]\n", argv[0]);
        return 2;
    }
    std::ifstream file(argv[1], std::ios::binary);
    if (!file) {
        std::fprintf(stderr, "cannot open %s\n", argv[1]);
        return 1;
    }
    const std::vector<uint8_t> encoded((std::istreambuf_iterator<char>(file)), std::istreambuf_iterator<char>());

    bale::TransformParams params = bale::default_params();
    params.out_w = params.out_h = argc == 3 ? std::atoi(argv[2]) : 224;
    const float mean[] = {0.485f, 0.456f, 0.406f}, std[] = {0.229f, 0.224f, 0.225f};
    for (int c = 0; c < 3; c++) {
        params.mean[c] = mean[c];
        params.std[c] = std[c];
    }
    const size_t bytes = bale::output_bytes(params);
    if (bytes == 0) {
        std::fprintf(stderr, "invalid size\n");
        return 2;
    }
    std::vector<float> tensor(bytes / sizeof(float));

    char error[256];
    if (bale::decode_transform(encoded.data(), encoded.size(), params, tensor.data(), error, sizeof error) != 0) {
        std::fprintf(stderr, "%s: %s\n", argv[1], error);
        return 1;
    }
    // FNV-1a over the bytes: equal outputs, bit for bit, give equal checksums.
    uint64_t fnv = 14695981039346656037ull;
    const auto* byte = reinterpret_cast<const uint8_t*>(tensor.data());
    for (size_t i = 0; i < bytes; i++) fnv = (fnv ^ byte[i]) * 1099511628211ull;
    double sum = 0;
    for (float v : tensor) sum += v;
    std::printf("%s: 3x%dx%d float32, sum %.6f, fnv1a %016llx\n", argv[1], params.out_h, params.out_w, sum,
                static_cast<unsigned long long>(fnv));
    return 0;
}
