#include "bale/transform.h"
#include "raw_pixels.h"

#include "bale/jpeg_region.h"

#include <opencv2/core.hpp>
#include <opencv2/imgcodecs.hpp>
#include <opencv2/imgproc.hpp>

#include <algorithm>
#include <chrono>
#include <climits>
#include <cmath>
#include <cstdarg>
#include <cstdio>
#include <cstring>
#include <new>
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
    cv::Mat canvas;     // a text line padded to out_w
    cv::Mat hsv;        // hue shifts work in float HSV
    JpegRegion region;  // the last region decode_jpeg_region returned
};
thread_local Scratch scratch;
// Where this thread's last decode_transform spent its time: [0] decoding, [1] everything after.
thread_local int64_t stage_nanos[2];
// Pixels this thread's last decode_transform decoded, and the whole image's at the scale it decoded at.
thread_local int64_t decoded_pixels[2];

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
    if (p.content_w < 0 || p.content_w > p.out_w) return "content_w must be 0 or 1..out_w";
    if (p.fill < 0 || p.fill > 255) return "fill must be 0..255";
    if (!std::isfinite(p.hue) || p.hue < -0.5f || p.hue > 0.5f) return "hue must be in [-0.5, 0.5]";
    if (p.warp) {
        for (double m : p.matrix) {
            if (!std::isfinite(m)) return "matrix must be finite";
        }
    }
    if (p.jitter_order != 0) {
        int seen = 0;
        for (int k = 0; k < 4; k++) seen |= 1 << ((p.jitter_order >> (4 * k)) & 0xF);
        if (seen != 0xF || (p.jitter_order >> 16) != 0) return "jitter_order must be a permutation of 0..3";
    }
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

// What decode_region returns (see "The decode step" in transform.h).
struct Decoded {
    cv::Mat pixels;
    int offset_x = 0, offset_y = 0, scale = 1;
    int full_w = 0, full_h = 0;
};

// The decode step (see "The decode step" in transform.h). A JPEG, when use_region and a region are
// given, goes through libjpeg-turbo's region decoding (bale/jpeg_region.h): only the rows and
// columns the region needs, the same pixels as a full decode at that scale. Anything else (PNG,
// a whole image, a JPEG that path does not handle, a region outside the image) is OpenCV's imdecode
// of the whole image at 1/max_reduce (the caller asks for a reduction only for JPEGs). Returns
// STATUS_OK or fails with a message.
int decode_region(const uint8_t* src, size_t len, bool grayscale, const cv::Rect& region, int max_reduce,
                  bool use_region, Scratch& s, Decoded& out, char* err, int err_len) {
    if (use_region && region.width > 0 && region.height > 0 && looks_like_jpeg(src, len)) {
        // decode_jpeg_region wants its top-left inside the image; it clips the right and bottom.
        const int x = std::max(region.x, 0), y = std::max(region.y, 0);
        const int w = region.x + region.width - x, h = region.y + region.height - y;
        const int status = w > 0 && h > 0
                ? decode_jpeg_region(src, len, x, y, w, h, max_reduce, grayscale, s.region, err, err_len)
                : REGION_BAD_REQUEST;
        switch (status) {
            case REGION_OK:
                out.pixels = s.region.pixels;
                out.offset_x = s.region.x;
                out.offset_y = s.region.y;
                out.scale = s.region.scale;
                out.full_w = s.region.scaled_w;
                out.full_h = s.region.scaled_h;
                decoded_pixels[0] = int64_t(out.pixels.cols) * out.pixels.rows;
                decoded_pixels[1] = int64_t(out.full_w) * out.full_h;
                return STATUS_OK;
            case REGION_UNSUPPORTED:  // CMYK, 12-bit...: imdecode handles them
            case REGION_BAD_REQUEST:  // outside the image: imdecode's path reports or fills it
                if (err != nullptr && err_len > 0) err[0] = '\0';
                break;
            default:
                return STATUS_UNDECODABLE;  // damaged, or too large to decode; err says which
        }
    }
    TransformParams flags_of{};
    flags_of.reduce = max_reduce;
    flags_of.grayscale = grayscale;
    // A header over the caller's bytes: imdecode reads them in place.
    const cv::Mat encoded(1, static_cast<int>(len), CV_8UC1, const_cast<uint8_t*>(src));
    // Check the returned Mat, not s.decoded: a failed decode leaves the previous image there.
    out.pixels = cv::imdecode(encoded, decode_flags(flags_of), &s.decoded);
    if (out.pixels.empty()) {
        return fail(err, err_len, STATUS_UNDECODABLE, "not a decodable image (%zu bytes)", len);
    }
    out.offset_x = out.offset_y = 0;
    out.scale = max_reduce;
    out.full_w = out.pixels.cols;
    out.full_h = out.pixels.rows;
    decoded_pixels[0] = decoded_pixels[1] = int64_t(out.pixels.cols) * out.pixels.rows;
    return STATUS_OK;
}

// The source pixels that output columns [0, width) x rows [0, height) read through m (output pixel
// centres -> source pixel centres), widened by two pixels for bilinear interpolation and rounding.
// The whole image (w == 0) when a corner maps to or behind the horizon.
cv::Rect source_region(const double* m, int width, int height) {
    double x0 = 1e300, y0 = 1e300, x1 = -1e300, y1 = -1e300;
    const double us[2] = {-0.5, width - 0.5}, vs[2] = {-0.5, height - 0.5};
    for (double u : us) {
        for (double v : vs) {
            const double w = m[6] * u + m[7] * v + m[8];
            if (!(w > 1e-9)) return cv::Rect();
            const double x = (m[0] * u + m[1] * v + m[2]) / w, y = (m[3] * u + m[4] * v + m[5]) / w;
            x0 = std::min(x0, x); y0 = std::min(y0, y); x1 = std::max(x1, x); y1 = std::max(y1, y);
        }
    }
    const double limit = 1 << 30;
    if (!(x0 > -limit && y0 > -limit && x1 < limit && y1 < limit)) return cv::Rect();
    const int left = static_cast<int>(std::floor(x0)) - 2, top = static_cast<int>(std::floor(y0)) - 2;
    return cv::Rect(left, top, static_cast<int>(std::ceil(x1)) + 3 - left, static_cast<int>(std::ceil(y1)) + 3 - top);
}

// Output pixels [0, dst.cols) x [0, dst.rows) sampled from d through m (source pixel centres, full
// size), in one bilinear warp; pixels outside the source are `fill`.
void warp_into(const Decoded& d, const double* m, int fill, cv::Mat& dst) {
    // Source pixel centre xs -> decoded pixel centre (xs + 0.5 - offset) / scale - 0.5.
    const double r = d.scale;
    const double a[9] = {1 / r, 0, (0.5 - d.offset_x) / r - 0.5, 0, 1 / r, (0.5 - d.offset_y) / r - 0.5, 0, 0, 1};
    double md[9];
    for (int i = 0; i < 3; i++) {
        for (int j = 0; j < 3; j++) {
            md[3 * i + j] = a[3 * i] * m[j] + a[3 * i + 1] * m[3 + j] + a[3 * i + 2] * m[6 + j];
        }
    }
    const cv::Scalar border = cv::Scalar::all(fill);
    const int flags = cv::INTER_LINEAR | cv::WARP_INVERSE_MAP;
    if (md[6] == 0 && md[7] == 0 && md[8] == 1) {
        const cv::Mat affine(2, 3, CV_64F, md);
        cv::warpAffine(d.pixels, dst, affine, dst.size(), flags, cv::BORDER_CONSTANT, border);
    } else {
        const cv::Mat perspective(3, 3, CV_64F, md);
        cv::warpPerspective(d.pixels, dst, perspective, dst.size(), flags, cv::BORDER_CONSTANT, border);
    }
}

// Hue shift by `turns` of the colour wheel, in place on an 8-bit BGR image, through float HSV
// (OpenCV's 8-bit HSV keeps hue in 180 steps, too coarse).
void shift_hue(cv::Mat& img, float turns, Scratch& s) {
    img.convertTo(s.hsv, CV_32F, 1.0 / 255);
    cv::cvtColor(s.hsv, s.hsv, cv::COLOR_BGR2HSV);  // H in degrees [0, 360)
    const float shift = turns * 360.0f;
    for (int y = 0; y < s.hsv.rows; y++) {
        float* row = s.hsv.ptr<float>(y);
        for (int x = 0; x < s.hsv.cols; x++) {
            float h = row[3 * x] + shift;
            h = h < 0 ? h + 360.0f : (h >= 360.0f ? h - 360.0f : h);
            row[3 * x] = h;
        }
    }
    cv::cvtColor(s.hsv, s.hsv, cv::COLOR_HSV2BGR);
    s.hsv.convertTo(img, CV_8U, 255.0);
}

// Colour jitter, in place; img is BGR or gray, 8-bit. Each step runs only when its factor is not 1.
void jitter(cv::Mat& img, const TransformParams& p, Scratch& s) {
    const int order = p.jitter_order != 0 ? p.jitter_order : 0x3210;
    for (int k = 0; k < 4; k++) {
        switch ((order >> (4 * k)) & 0xF) {
            case 0:
                if (p.brightness != 1.0f) {
                    img.convertTo(img, -1, p.brightness, 0);
                }
                break;
            case 1:
                if (p.contrast != 1.0f) {
                    // Blend towards the mean gray level of the image as it is now.
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
                break;
            case 2:
                if (p.saturation != 1.0f && img.channels() == 3) {
                    // Blend towards the image's own gray version.
                    cv::cvtColor(img, s.gray, cv::COLOR_BGR2GRAY);
                    cv::cvtColor(s.gray, s.gray3, cv::COLOR_GRAY2BGR);
                    const double sat = p.saturation;
                    cv::addWeighted(img, sat, s.gray3, 1.0 - sat, 0.0, img);
                }
                break;
            case 3:
                if (p.hue != 0.0f && img.channels() == 3) {
                    shift_hue(img, p.hue, s);
                }
                break;
        }
    }
    if (p.to_gray && img.channels() == 3) {
        cv::cvtColor(img, s.gray, cv::COLOR_BGR2GRAY);
        cv::cvtColor(s.gray, img, cv::COLOR_GRAY2BGR);
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

namespace {
// decode_transform and transform_raw: raw is null for encoded bytes.
int run(const uint8_t* src, size_t len, const RawShape* raw, const TransformParams& p, void* dst, char* err,
        int err_len);
}  // namespace

int decode_transform(const uint8_t* src, size_t len, const TransformParams& p, void* dst, char* err, int err_len) {
    return run(src, len, nullptr, p, dst, err, err_len);
}

int transform_raw(const uint8_t* src, size_t len, const RawShape& shape, const TransformParams& p, void* dst,
                  char* err, int err_len) {
    if (const char* problem = invalid_raw_shape(shape, len, kMaxSide)) {
        if (err != nullptr && err_len > 0) err[0] = '\0';
        return fail(err, err_len, STATUS_UNDECODABLE, "%s (%dx%dx%d, %zu bytes)", problem, shape.height, shape.width,
                    shape.channels, len);
    }
    if (p.reduce != 1) return fail(err, err_len, STATUS_BAD_PARAMS, "reduce must be 1 for raw pixels");
    return run(src, len, &shape, p, dst, err, err_len);
}

namespace {
int run(const uint8_t* src, size_t len, const RawShape* raw, const TransformParams& p, void* dst, char* err,
        int err_len) {
    if (err != nullptr && err_len > 0) err[0] = '\0';
    if (len == 0) return fail(err, err_len, STATUS_UNDECODABLE, "empty input: 0 bytes");
    if (src == nullptr || dst == nullptr) return fail(err, err_len, STATUS_BAD_PARAMS, "src or dst is null");
    if (len > static_cast<size_t>(INT_MAX)) {
        return fail(err, err_len, STATUS_BAD_PARAMS, "input of %zu bytes is over OpenCV's 2 GiB limit", len);
    }
    if (const char* problem = invalid_params(p)) return fail(err, err_len, STATUS_BAD_PARAMS, "%s", problem);

    if (raw == nullptr) {
        if (const int status = check_png_chunks(src, len, err, err_len)) return status;
    }

    Scratch& s = scratch;
    stage_nanos[0] = stage_nanos[1] = 0;
    decoded_pixels[0] = decoded_pixels[1] = 0;
    try {
        const int64_t started = now_nanos();
        const int content_w = p.content_w > 0 ? p.content_w : p.out_w;
        cv::Rect region;  // in full-size source pixels; empty: the whole image
        if (p.warp) {
            region = source_region(p.matrix, content_w, p.out_h);
            // Bilinear reads reach one decoded pixel, `reduce` source pixels, past the region: decode them.
            if (region.width > 0) region = cv::Rect(region.x - p.reduce, region.y - p.reduce,
                                                    region.width + 2 * p.reduce, region.height + 2 * p.reduce);
        } else if (!whole_image(p)) {
            region = cv::Rect(p.crop_x * p.reduce, p.crop_y * p.reduce, p.crop_w * p.reduce, p.crop_h * p.reduce);
        }
        Decoded d;
        if (raw != nullptr) {  // raw pixels: wrapped as an image, nothing to decode (reduce is 1)
            raw_to_image(src, *raw, p.grayscale != 0, s.decoded);
            d.pixels = s.decoded;
            d.full_w = d.pixels.cols;
            d.full_h = d.pixels.rows;
            decoded_pixels[0] = decoded_pixels[1] = int64_t(d.full_w) * d.full_h;
        } else if (const int status = decode_region(src, len, p.grayscale != 0, region, p.reduce, p.region_decode != 0,
                                                    s, d, err, err_len)) {
            return status;
        }
        const int64_t decoded_at = now_nanos();
        stage_nanos[0] = decoded_at - started;
        if ((p.expect_w > 0 && d.full_w != p.expect_w) || (p.expect_h > 0 && d.full_h != p.expect_h)) {
            return fail(err, err_len, STATUS_BAD_GEOMETRY, "decoded image is %dx%d, expected %dx%d", d.full_w,
                        d.full_h, p.expect_w, p.expect_h);
        }
        // A text line narrower than the output goes into the left of a canvas filled with `fill`.
        const bool padded = content_w < p.out_w;
        cv::Mat content;
        if (padded) {
            s.canvas.create(p.out_h, p.out_w, d.pixels.type());
            s.canvas.setTo(cv::Scalar::all(p.fill));
            content = s.canvas(cv::Rect(0, 0, content_w, p.out_h));
        }
        cv::Mat img;
        if (p.warp) {
            if (!padded) {
                s.resized.create(p.out_h, p.out_w, d.pixels.type());
                content = s.resized;
            }
            warp_into(d, p.matrix, p.fill, content);
            img = content;
        } else {
            // The crop, in the decoded pixels (which start at offset / scale).
            const int cx = whole_image(p) ? 0 : p.crop_x - d.offset_x / d.scale;
            const int cy = whole_image(p) ? 0 : p.crop_y - d.offset_y / d.scale;
            const int cw = whole_image(p) ? d.pixels.cols : p.crop_w, ch = whole_image(p) ? d.pixels.rows : p.crop_h;
            if (cx < 0 || cy < 0 || cx > d.pixels.cols - cw || cy > d.pixels.rows - ch) {
                return fail(err, err_len, STATUS_BAD_GEOMETRY, "crop %dx%d at (%d, %d) is outside the decoded %dx%d image",
                            p.crop_w, p.crop_h, p.crop_x, p.crop_y, d.full_w, d.full_h);
            }
            img = d.pixels(cv::Rect(cx, cy, cw, ch));
            if (padded) {
                if (img.cols != content_w || img.rows != p.out_h) {
                    cv::resize(img, content, cv::Size(content_w, p.out_h), 0, 0, cv::INTER_LINEAR);
                } else {
                    img.copyTo(content);
                }
                img = content;
            } else if (img.cols != p.out_w || img.rows != p.out_h) {
                cv::resize(img, s.resized, cv::Size(p.out_w, p.out_h), 0, 0, cv::INTER_LINEAR);
                img = s.resized;
            }
            if (p.flip) {
                cv::flip(img, img, 1);
            }
        }
        jitter(img, p, s);
        if (padded) {
            img = s.canvas;
        }
        write_output(img, p, static_cast<uint8_t*>(dst), s);
        stage_nanos[1] = now_nanos() - decoded_at;
        return STATUS_OK;
    } catch (const cv::Exception& e) {
        decoded_pixels[0] = decoded_pixels[1] = 0;
        if (e.code == cv::Error::StsNoMem) return fail(err, err_len, STATUS_OUT_OF_MEMORY, "out of memory: %s", e.what());
        return fail(err, err_len, STATUS_OPENCV_ERROR, "OpenCV: %s", e.what());
    } catch (const std::bad_alloc& e) {
        decoded_pixels[0] = decoded_pixels[1] = 0;
        return fail(err, err_len, STATUS_OUT_OF_MEMORY, "out of memory: %s", e.what());
    } catch (const std::exception& e) {
        decoded_pixels[0] = decoded_pixels[1] = 0;
        return fail(err, err_len, STATUS_OPENCV_ERROR, "OpenCV: %s", e.what());
    } catch (...) {  // nothing may unwind into the caller (a JNI frame, for one)
        decoded_pixels[0] = decoded_pixels[1] = 0;
        return fail(err, err_len, STATUS_OPENCV_ERROR, "OpenCV: unknown exception");
    }
}
}  // namespace

int transform_pixels(const uint8_t* pixels, int32_t channels, const TransformParams& p, void* dst, char* err,
                     int err_len) {
    if (err != nullptr && err_len > 0) err[0] = '\0';
    if (pixels == nullptr || dst == nullptr) return fail(err, err_len, STATUS_BAD_PARAMS, "pixels or dst is null");
    if (channels != channels_of(p)) {
        return fail(err, err_len, STATUS_BAD_PARAMS, "%d channels given, the params say %d", channels, channels_of(p));
    }
    if (const char* problem = invalid_params(p)) return fail(err, err_len, STATUS_BAD_PARAMS, "%s", problem);
    Scratch& s = scratch;
    stage_nanos[0] = 0;
    try {
        const int64_t started = now_nanos();
        const cv::Mat given(p.out_h, p.out_w, channels == 3 ? CV_8UC3 : CV_8UC1, const_cast<uint8_t*>(pixels));
        cv::Mat& img = s.canvas;
        if (channels == 3) {
            cv::cvtColor(given, img, cv::COLOR_RGB2BGR);
        } else {
            given.copyTo(img);
        }
        const int content_w = p.content_w > 0 ? p.content_w : p.out_w;
        cv::Mat content = img(cv::Rect(0, 0, content_w, p.out_h));
        jitter(content, p, s);
        write_output(img, p, static_cast<uint8_t*>(dst), s);
        stage_nanos[1] = now_nanos() - started;
        return STATUS_OK;
    } catch (const std::exception& e) {
        return fail(err, err_len, STATUS_OPENCV_ERROR, "OpenCV: %s", e.what());
    } catch (...) {
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
