// Reads the first records of a Bale container into one batch, as Bale's loader does with
// Transform.eval(): Resize(256) + CenterCrop(224) done as one crop of the source square they keep,
// resized to 224x224, float32 CHW normalized with the ImageNet mean and std; JPEGs decoded at a
// reduced scale when the square is at least twice the output. Prints per record its index, class
// id, encoded length and an FNV-1a checksum of its output floats.
//
//   read_batch CONTAINER [N]      (N: how many records, 8 by default)
#include "bale/reader.h"
#include "bale/transform.h"

#include <algorithm>
#include <cmath>
#include <cstdio>
#include <cstdlib>
#include <vector>

namespace {

constexpr int kResize = 256, kCrop = 224;

struct ImageSize {
    int width = 0, height = 0;
    bool jpeg = false;
};

int big_endian16(const uint8_t* p) {
    return p[0] << 8 | p[1];
}

uint32_t big_endian32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | p[3];
}

// The stored size of a PNG (IHDR) or a JPEG (its frame header), as dev.bale.image.ImageHeader
// reads it; width 0 if neither.
ImageSize probe(bale::RecordView image) {
    const uint8_t* b = image.data;
    const size_t n = image.size;
    static const uint8_t png[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (n >= 24 && std::equal(png, png + 8, b) && std::equal(b + 12, b + 16, "IHDR")) {
        const uint32_t width = big_endian32(b + 16), height = big_endian32(b + 20);
        if (width > INT32_MAX || height > INT32_MAX) return {};
        return {static_cast<int>(width), static_cast<int>(height), false};
    }
    if (n < 4 || b[0] != 0xFF || b[1] != 0xD8) return {};
    for (size_t at = 2; at + 4 <= n;) {
        if (b[at] != 0xFF) return {};
        const int marker = b[at + 1];
        if (marker == 0xFF) {  // fill byte
            at++;
            continue;
        }
        if (marker == 0xD9 || marker == 0xDA) return {};  // end of image, or scan data before any frame header
        const bool frame = marker >= 0xC0 && marker <= 0xCF && marker != 0xC4 && marker != 0xC8 && marker != 0xCC;
        if (frame && at + 9 <= n) return {big_endian16(b + at + 7), big_endian16(b + at + 5), true};
        at += 2 + big_endian16(b + at + 2);
    }
    return {};
}

// The crop and decode scale of dev.bale.transform.Planner in EVAL mode.
void plan_eval(ImageSize size, bale::TransformParams& p) {
    const int side = std::max(1, static_cast<int>(std::lround(double(kCrop) * std::min(size.width, size.height) / kResize)));
    const int x = (size.width - side) / 2, y = (size.height - side) / 2;
    p.reduce = 1;
    for (int r = 8; size.jpeg && r > 1; r /= 2) {
        if (side >= r * kCrop) {
            p.reduce = r;
            break;
        }
    }
    // libjpeg's scaled output is ceil(size / reduce): map the square into it.
    const int r = p.reduce;
    const int decoded_w = (size.width + r - 1) / r, decoded_h = (size.height + r - 1) / r;
    p.crop_x = x / r;
    p.crop_y = y / r;
    p.crop_w = std::max(1, std::min(decoded_w - p.crop_x, static_cast<int>(std::lround(float(side) / r))));
    p.crop_h = std::max(1, std::min(decoded_h - p.crop_y, static_cast<int>(std::lround(float(side) / r))));
}

}  // namespace

int main(int argc, char** argv) {
    if (argc < 2 || argc > 3) {
        std::fprintf(stderr, "usage: %s CONTAINER [N]\n", argv[0]);
        return 2;
    }
    try {
        const bale::Reader reader(argv[1]);
        const size_t count = std::min<size_t>(reader.size(), argc == 3 ? std::strtoull(argv[2], nullptr, 10) : 8);

        bale::TransformParams params = bale::default_params();
        params.out_w = params.out_h = kCrop;
        const float imagenet_mean[] = {0.485f, 0.456f, 0.406f}, imagenet_std[] = {0.229f, 0.224f, 0.225f};
        for (int c = 0; c < 3; c++) {
            params.mean[c] = imagenet_mean[c];
            params.std[c] = imagenet_std[c];
        }
        const size_t sample_bytes = bale::output_bytes(params);
        std::vector<float> batch(count * sample_bytes / sizeof(float));

        for (size_t i = 0; i < count; i++) {
            const bale::RecordView image = reader.record(i);
            const ImageSize size = probe(image);
            if (size.width <= 0 || size.height <= 0) {
                std::fprintf(stderr, "%s: record %zu: not a JPEG or PNG with a readable size\n", argv[1], i);
                return 1;
            }
            plan_eval(size, params);
            auto* slot = reinterpret_cast<uint8_t*>(batch.data()) + i * sample_bytes;
            char error[256];
            if (bale::decode_transform(image.data, image.size, params, slot, error, sizeof error) != bale::STATUS_OK) {
                std::fprintf(stderr, "%s: record %zu: %s\n", argv[1], i, error);
                return 1;
            }
            // FNV-1a over the output bytes: equal outputs, bit for bit, give equal checksums.
            uint64_t fnv = 14695981039346656037ull;
            for (size_t b = 0; b < sample_bytes; b++) fnv = (fnv ^ slot[b]) * 1099511628211ull;
            std::printf("%zu class %d, %zu bytes, %dx%d, 3x%dx%d float32 fnv1a %016llx\n", i, reader.class_id(i),
                        image.size, size.width, size.height, kCrop, kCrop, static_cast<unsigned long long>(fnv));
        }
        return 0;
    } catch (const bale::ReaderError& e) {
        std::fprintf(stderr, "%s\n", e.what());
        return 1;
    }
}
