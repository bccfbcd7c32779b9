#include "bale/transform.h"

#include "bale/jpeg_region.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <chrono>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <exception>

namespace bale {
namespace {

// Larger output sides than this are refused, so that output sizes fit easily in size_t and int.
constexpr int32_t kMaxSide = 1 << 15;

// Images kept between calls on one thread. OpenCV's create() keeps a buffer whose size and type
// already match, so decoding a stream of same-size images allocates nothing after the first.
struct Scratch {
    cv::Mat decoded, resized, gray, gray3;
    cv::Mat planes[3];  // split() of a colour image: B, G, R
    JpegRegion region;  // the last region decode_jpeg_region returned
};
thread_local Scratch scratch;
// Where this thread's last decode_transform spent its time: [0] decoding, [1] everything after.
thread_local int64_t stage_nanos[2];
// Pixels this thread's last decode_transform decoded, and the whole image's at the scale it decoded at.
thread_local int64_t decoded_pixels[2];

// Returned by decode_region for a JPEG it cannot handle: decode it with imdecode instead.
constexpr int kUseImdecode = -1;

int64_t now_nanos() {
    return std::chrono::duration_cast<std::chrono::nanoseconds>(
               std::chrono::steady_clock::now().time_since_epoch()).count();
}

int fail(char* err, int err_len, int status, const char* format, ...) {
    if (err != nullptr && err_len > 0) {
        va_list args;
        va_start(args, format);
        std::vsnprintf(err, static_cast<size_t>(err_len), format, args);
        va_end(args);
    }
    return status;
}

int channels_of(const TransformParams& p) {
    return p.grayscale ? 1 : 3;
}

bool whole_image(const TransformParams& p) {
    return p.crop_x == 0 && p.crop_y == 0 && p.crop_w == 0 && p.crop_h == 0;
}

int decode_flags(const TransformParams& p) {
    int flags = 0;
    switch (p.reduce) {
        case 1: flags = p.grayscale ? cv::IMREAD_GRAYSCALE : cv::IMREAD_COLOR; break;
        case 2: flags = p.grayscale ? cv::IMREAD_REDUCED_GRAYSCALE_2 : cv::IMREAD_REDUCED_COLOR_2; break;
        case 4: flags = p.grayscale ? cv::IMREAD_REDUCED_GRAYSCALE_4 : cv::IMREAD_REDUCED_COLOR_4; break;
        case 8: flags = p.grayscale ? cv::IMREAD_REDUCED_GRAYSCALE_8 : cv::IMREAD_REDUCED_COLOR_8; break;
    }
    // The caller computes the crop from the stored size (the file header); an EXIF rotation would
    // swap width and height under it. Training pipelines (torchvision, PIL) ignore EXIF as well.
    return flags | cv::IMREAD_IGNORE_ORIENTATION;
}

// Null if p can be applied to some image, else what is wrong with it.
const char* invalid_params(const TransformParams& p) {
    if (p.reduce != 1 && p.reduce != 2 && p.reduce != 4 && p.reduce != 8) return "reduce must be 1, 2, 4 or 8";
    if (output_bytes(p) == 0) return "output size or layout is invalid";
    if (!whole_image(p) && (p.crop_x < 0 || p.crop_y < 0 || p.crop_w <= 0 || p.crop_h <= 0)) {
        return "crop must have x, y >= 0 and a positive size, or be all 0 for the whole image";
    }
    if (p.expect_w < 0 || p.expect_h < 0) return "expect_w and expect_h must be >= 0 (0: any size)";
    const float factors[] = {p.brightness, p.contrast, p.saturation};
    for (float f : factors) {
        if (!std::isfinite(f) || f < 0) return "brightness, contrast and saturation must be finite and >= 0";
    }
    if (p.output == OUTPUT_FLOAT32_CHW) {
        for (int c = 0; c < channels_of(p); c++) {
            if (!std::isfinite(p.mean[c]) || !std::isfinite(p.std[c]) || p.std[c] == 0) {
                return "mean must be finite and std finite and nonzero";
            }
        }
    }
    return nullptr;
}

uint32_t big_endian_u32(const uint8_t* p) {
    return uint32_t(p[0]) << 24 | uint32_t(p[1]) << 16 | uint32_t(p[2]) << 8 | uint32_t(p[3]);
}

// For a PNG, checks that no chunk claims more bytes than follow it. OpenCV's PNG reader allocates
// what a chunk claims before reading it: one damaged length in a 500-byte file cost 3 GB and seconds.
int check_png_chunks(const uint8_t* src, size_t len, char* err, int err_len) {
    static const uint8_t signature[8] = {0x89, 'P', 'N', 'G', '\r', '\n', 0x1A, '\n'};
    if (len < sizeof signature || std::memcmp(src, signature, sizeof signature) != 0) return STATUS_OK;
    size_t at = sizeof signature;
    while (len - at >= 12) {  // length, type, data, CRC
        const uint32_t length = big_endian_u32(src + at);
        if (length > len - at - 12) {
            return fail(err, err_len, STATUS_UNDECODABLE, "PNG chunk %.4s at byte %zu claims %u bytes, %zu follow",
                        reinterpret_cast<const char*>(src + at + 4), at, length, len - at - 12);
        }
        if (std::memcmp(src + at + 4, "IEND", 4) == 0) break;
        at += 12 + size_t(length);
    }
    return STATUS_OK;
}

// Whether p's expected size and crop fit an image decoded to w x h: STATUS_OK or STATUS_BAD_GEOMETRY.
int check_geometry(const TransformParams& p, int w, int h, char* err, int err_len) {
    if ((p.expect_w > 0 && w != p.expect_w) || (p.expect_h > 0 && h != p.expect_h)) {
        return fail(err, err_len, STATUS_BAD_GEOMETRY, "decoded image is %dx%d, expected %dx%d", w, h, p.expect_w,
                    p.expect_h);
    }
    if (p.crop_x > w - p.crop_w || p.crop_y > h - p.crop_h) {
        return fail(err, err_len, STATUS_BAD_GEOMETRY, "crop %dx%d at (%d, %d) is outside the decoded %dx%d image",
                    p.crop_w, p.crop_h, p.crop_x, p.crop_y, w, h);
    }
    return STATUS_OK;
}

// p's crop of a JPEG, decoded alone (bale/jpeg_region.h) into img, a view of s.region. The crop
// is in pixels of the image decoded at 1/p.reduce; the source region it covers is the crop times
// reduce, clipped to the image.
int decode_region(const uint8_t* src, size_t len, const TransformParams& p, Scratch& s, cv::Mat& img, char* err,
                  int err_len) {
    const int r = p.reduce;
    const int status = decode_jpeg_region(src, len, p.crop_x * r, p.crop_y * r, p.crop_w * r, p.crop_h * r, r,
                                          p.grayscale != 0, s.region, err, err_len);
    switch (status) {
        case REGION_OK: break;
        case REGION_UNSUPPORTED: return kUseImdecode;
        case REGION_BAD_REQUEST: return STATUS_BAD_GEOMETRY;
        default: return STATUS_UNDECODABLE;  // damaged, or too large to decode
    }
    const JpegRegion& region = s.region;
    if (const int bad = check_geometry(p, region.scaled_w, region.scaled_h, err, err_len)) return bad;
    // The region's pixel (0, 0) is pixel (x / r, y / r) of the image decoded at 1/r.
    img = region.pixels(cv::Rect(p.crop_x - region.x / r, p.crop_y - region.y / r, p.crop_w, p.crop_h));
    decoded_pixels[0] = int64_t(region.pixels.cols) * region.pixels.rows;
    decoded_pixels[1] = int64_t(region.scaled_w) * region.scaled_h;
    return STATUS_OK;
}

// Colour jitter, in place; img is BGR or gray, 8-bit. Each step runs only when its factor is not 1.
void jitter(cv::Mat& img, const TransformParams& p, Scratch& s) {
    if (p.brightness != 1.0f) {
        img.convertTo(img, -1, p.brightness, 0);
    }
    if (p.contrast != 1.0f) {
        // Blend towards the mean gray level of the (brightened) image.
        double mean;
        if (img.channels() == 3) {
            cv::cvtColor(img, s.gray, cv::COLOR_BGR2GRAY);
            mean = cv::mean(s.gray)[0];
        } else {
            mean = cv::mean(img)[0];
        }
        const double c = p.contrast;
        img.convertTo(img, -1, c, (1.0 - c) * mean);
    }
    if (p.saturation != 1.0f && img.channels() == 3) {
        // Blend towards the image's own gray version.
        cv::cvtColor(img, s.gray, cv::COLOR_BGR2GRAY);
        cv::cvtColor(s.gray, s.gray3, cv::COLOR_GRAY2BGR);
        const double sat = p.saturation;
        cv::addWeighted(img, sat, s.gray3, 1.0 - sat, 0.0, img);
    }
}

// Writes img (out_h x out_w, BGR or gray, 8-bit) to dst in p's layout and RGB order. Every
// destination is a Mat header over dst of exactly the size and type written, so OpenCV keeps it
// and writes straight into dst: no intermediate image, no copy.
void write_output(const cv::Mat& img, const TransformParams& p, uint8_t* dst, Scratch& s) {
    const int h = p.out_h, w = p.out_w;
    const size_t plane = static_cast<size_t>(w) * h;
    const bool colour = img.channels() == 3;
    switch (p.output) {
        case OUTPUT_FLOAT32_CHW: {
            if (colour) cv::split(img, s.planes);
            float* out = reinterpret_cast<float*>(dst);
            for (int c = 0; c < img.channels(); c++) {
                const cv::Mat& source = colour ? s.planes[2 - c] : img;  // RGB plane c is BGR plane 2 - c
                const cv::Mat target(h, w, CV_32F, out + c * plane);
                const double scale = 1.0 / (255.0 * static_cast<double>(p.std[c]));
                const double shift = -static_cast<double>(p.mean[c]) / static_cast<double>(p.std[c]);
                source.convertTo(target, CV_32F, scale, shift);
            }
            break;
        }
        case OUTPUT_UINT8_CHW:
            if (colour) {
                cv::Mat targets[3] = {cv::Mat(h, w, CV_8U, dst + 2 * plane), cv::Mat(h, w, CV_8U, dst + plane),
                                      cv::Mat(h, w, CV_8U, dst)};  // B, G, R land in planes 2, 1, 0
                cv::split(img, targets);
            } else {
                img.copyTo(cv::Mat(h, w, CV_8U, dst));
            }
            break;
        case OUTPUT_UINT8_HWC:
            if (colour) {
                cv::cvtColor(img, cv::Mat(h, w, CV_8UC3, dst), cv::COLOR_BGR2RGB);
            } else {
                img.copyTo(cv::Mat(h, w, CV_8U, dst));
            }
            break;
    }
}

}  // namespace

TransformParams default_params() {
    TransformParams p{};
    p.reduce = 1;
    p.brightness = p.contrast = p.saturation = 1.0f;
    p.output = OUTPUT_FLOAT32_CHW;
    for (float& s : p.std) s = 1.0f;
    return p;
}

size_t output_bytes(const TransformParams& p) {
    if (p.out_w <= 0 || p.out_h <= 0 || p.out_w > kMaxSide || p.out_h > kMaxSide) return 0;
    if (p.output != OUTPUT_FLOAT32_CHW && p.output != OUTPUT_UINT8_CHW && p.output != OUTPUT_UINT8_HWC) return 0;
    const size_t element = p.output == OUTPUT_FLOAT32_CHW ? sizeof(float) : 1;
    return static_cast<size_t>(p.out_w) * p.out_h * channels_of(p) * element;
}

int decode_transform(const uint8_t* src, size_t len, const TransformParams& p, void* dst, char* err, int err_len) {
    if (err != nullptr && err_len > 0) err[0] = '\0';
    if (len == 0) return fail(err, err_len, STATUS_UNDECODABLE, "empty input: 0 bytes");
    if (src == nullptr || dst == nullptr) return fail(err, err_len, STATUS_BAD_PARAMS, "src or dst is null");
    if (len > static_cast<size_t>(INT_MAX)) {
        return fail(err, err_len, STATUS_BAD_PARAMS, "input of %zu bytes is over OpenCV's 2 GiB limit", len);
    }
    if (const char* problem = invalid_params(p)) return fail(err, err_len, STATUS_BAD_PARAMS, "%s", problem);

    if (const int status = check_png_chunks(src, len, err, err_len)) return status;

    Scratch& s = scratch;
    stage_nanos[0] = stage_nanos[1] = 0;
    decoded_pixels[0] = decoded_pixels[1] = 0;
    try {
        const int64_t started = now_nanos();
        cv::Mat img;
        int region_status = kUseImdecode;
        if (p.region_decode && !whole_image(p) && looks_like_jpeg(src, len)) {
            region_status = decode_region(src, len, p, s, img, err, err_len);
            if (region_status != STATUS_OK && region_status != kUseImdecode) return region_status;
        }
        if (region_status == kUseImdecode) {
            // A header over the caller's bytes: imdecode reads them in place.
            const cv::Mat encoded(1, static_cast<int>(len), CV_8UC1, const_cast<uint8_t*>(src));
            // Check the returned Mat, not s.decoded: a failed decode leaves the previous image there.
            const cv::Mat decoded = cv::imdecode(encoded, decode_flags(p), &s.decoded);
            if (decoded.empty()) {
                return fail(err, err_len, STATUS_UNDECODABLE, "not a decodable image (%zu bytes)", len);
            }
            if (const int bad = check_geometry(p, decoded.cols, decoded.rows, err, err_len)) return bad;
            img = whole_image(p) ? decoded : decoded(cv::Rect(p.crop_x, p.crop_y, p.crop_w, p.crop_h));
            decoded_pixels[0] = decoded_pixels[1] = int64_t(decoded.cols) * decoded.rows;
        }
        const int64_t decoded_at = now_nanos();
        stage_nanos[0] = decoded_at - started;
        if (img.cols != p.out_w || img.rows != p.out_h) {
            cv::resize(img, s.resized, cv::Size(p.out_w, p.out_h), 0, 0, cv::INTER_LINEAR);
            img = s.resized;
        }
        if (p.flip) {
            cv::flip(img, img, 1);
        }
        jitter(img, p, s);
        write_output(img, p, static_cast<uint8_t*>(dst), s);
        stage_nanos[1] = now_nanos() - decoded_at;
        return STATUS_OK;
    } catch (const std::exception& e) {  // cv::Exception, or std::bad_alloc from an allocation
        decoded_pixels[0] = decoded_pixels[1] = 0;
        return fail(err, err_len, STATUS_OPENCV_ERROR, "OpenCV: %s", e.what());
    } catch (...) {  // nothing may unwind into the caller (a JNI frame, for one)
        decoded_pixels[0] = decoded_pixels[1] = 0;
        return fail(err, err_len, STATUS_OPENCV_ERROR, "OpenCV: unknown exception");
    }
}

void last_stage_nanos(int64_t* out) {
    if (out != nullptr) {
        out[0] = stage_nanos[0];
        out[1] = stage_nanos[1];
    }
}

void last_decoded_pixels(int64_t* out) {
    if (out != nullptr) {
        out[0] = decoded_pixels[0];
        out[1] = decoded_pixels[1];
    }
}

void set_opencv_threads(int threads) {
    cv::setNumThreads(threads);
}

}  // namespace bale
