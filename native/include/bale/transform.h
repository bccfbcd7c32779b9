// Bale's per-sample hot path: decode an encoded JPEG/PNG and turn it into a training tensor in one
// call, writing straight into the caller's memory (a slot of a batch buffer).
//
// The header is plain C++11 with no OpenCV types, so that JavaCPP can bind it and C++ users need
// no OpenCV headers to call it.
#ifndef BALE_TRANSFORM_H
#define BALE_TRANSFORM_H

#include <cstddef>
#include <cstdint>

#include "bale/api.h"

namespace bale {

// Values of TransformParams::output.
enum OutputLayout : int32_t {
    OUTPUT_FLOAT32_CHW = 0,  // float32 planes R, G, B, normalized: (v / 255 - mean[c]) / std[c]
    OUTPUT_UINT8_CHW = 1,    // uint8 planes R, G, B
    OUTPUT_UINT8_HWC = 2,    // uint8 interleaved RGB rows
};

// Return values of decode_transform.
enum Status : int {
    STATUS_OK = 0,
    STATUS_BAD_PARAMS = 1,    // a parameter is out of range, or src/dst is null
    STATUS_UNDECODABLE = 2,   // the bytes are not an image OpenCV can decode
    STATUS_BAD_GEOMETRY = 3,  // the crop falls outside the decoded image, or expect_w/h do not match
    STATUS_OPENCV_ERROR = 4,  // OpenCV threw; the message is OpenCV's
    STATUS_OUT_OF_MEMORY = 5, // an allocation failed (std::bad_alloc, cv::Error::StsNoMem): a fault, not bad data
};

// What to do with one sample. Plain primitives only, so that JavaCPP maps it field by field.
struct TransformParams {
    int32_t reduce;     // 1, 2, 4 or 8: let the decoder scale down by this factor (JPEG does it in the IDCT)
    int32_t grayscale;  // nonzero: decode to one channel
    int32_t crop_x, crop_y, crop_w, crop_h;  // region of interest, in pixels of the DECODED (reduced) image;
                                             // all 0: the whole decoded image
    int32_t out_w, out_h;                    // output size; the crop is resized (bilinear) when it differs
    int32_t flip;                            // nonzero: mirror horizontally
    float brightness, contrast, saturation;  // jitter factors; 1 leaves the image as it is
    int32_t output;                          // an OutputLayout
    float mean[3], std[3];                   // per RGB channel (index 0 for grayscale); OUTPUT_FLOAT32_CHW only
    int32_t expect_w, expect_h;  // if > 0, the decoded image must be exactly this size, else STATUS_BAD_GEOMETRY

    // Pipelines (dev.bale.transform.Transform.compose): the geometric ops fused into one matrix.
    int32_t warp;        // nonzero: ignore crop_* and flip; output pixel (u, v) samples the source at
                         // matrix * (u, v, 1) (projective; pixel centres are integers, in FULL-SIZE
                         // source pixels, whatever `reduce` is), bilinear, in ONE cv::warpAffine (when
                         // the last row is 0 0 1) or cv::warpPerspective pass. `reduce` is then the
                         // largest decode reduction allowed; the matrix is mapped onto what was decoded.
    double matrix[9];    // row-major 3x3, output pixel centres -> source pixel centres
    int32_t fill;        // 0..255: output pixels that map outside the source, and text-line padding
    int32_t content_w;   // 0: the image fills out_w; else 1..out_w: the image is content_w wide at the
                         // left, columns [content_w, out_w) are `fill` (colour ops see only the image)
    float hue;           // hue shift in turns of the colour wheel, [-0.5, 0.5]; 0 leaves hue alone
    int32_t jitter_order;  // order of the colour ops, 4 bits each from the lowest: 0 brightness,
                           // 1 contrast, 2 saturation, 3 hue. 0 means 0x3210 (that order)
    int32_t to_gray;     // nonzero: after jitter, a colour image becomes its gray level in all 3 channels
    int32_t region_decode;       // nonzero: decode a JPEG with a crop through libjpeg-turbo, only the rows and
                                 // columns the crop needs (bale/jpeg_region.h), same pixels as imdecode + crop
};

// The decode step, as one contract that any decoder implements (today OpenCV's imdecode, see
// transform.cpp; a libjpeg-turbo region decoder can take its place unchanged):
//
//   decode_region(src, len, grayscale, region, max_reduce) -> pixels, offset_x, offset_y, scale
//
// * region: the source pixels the output needs, [x, x + w) x [y, y + h) in FULL-SIZE source pixels
//   (the bounding box of the inverse-mapped output rectangle, widened by the interpolation's reach);
//   w == 0 asks for the whole image. It may extend past the image: it is clipped.
// * max_reduce: 1, 2, 4 or 8, the largest DCT scale-down allowed; the decoder picks scale <= it
//   (a PNG always gets 1, a JPEG exactly max_reduce). Decoded pixels at scale r are libjpeg's:
//   the image is ceil(W / r) x ceil(H / r).
// * pixels: 8-bit BGR or gray, covering AT LEAST the clipped region (it may return more: OpenCV's
//   imdecode returns the whole image). Decoded pixel (i, j) covers source pixels
//   [offset_x + scale * i, offset_x + scale * (i + 1)) x [offset_y + scale * j, ...), so a source
//   pixel centre xs maps to decoded (xs + 0.5 - offset_x) / scale - 0.5. offset_x and offset_y are
//   multiples of scale, and the pixels are exactly those of a full decode at that scale, cropped.
// * also returned: full_w, full_h, the size of the whole image at that scale (for expect_w/h).
//
// Everything after it (crop + resize, or the one warp; colour; layout) sees only that mapping.
// Raw-pixel input is a separate step feeding the same mapping (offset 0, scale 1).

// A TransformParams that decodes at full size, keeps 3 channels and changes nothing; the caller
// still has to set the crop and output size.
BALE_API TransformParams default_params();

// Bytes decode_transform writes for these params: out_w * out_h * channels * (4 or 1);
// 0 if the output size or layout is invalid.
BALE_API size_t output_bytes(const TransformParams& p);

// Decodes src[0, len) and writes the transformed image to dst, which must hold output_bytes(p).
// Steps, in order, all OpenCV: imdecode (EXIF orientation ignored, so the decoded size is the
// header's size divided by reduce, rounded up for JPEG) -> crop -> resize (INTER_LINEAR) if the
// crop is not out_w x out_h -> flip -> brightness, contrast, saturation -> BGR to RGB -> layout.
// With warp set, crop + resize + flip are one warp by `matrix` instead; colour ops run in
// jitter_order (hue included), then to_gray, then the layout (normalization fused into it).
// With region_decode, a JPEG's imdecode + crop (or the region a warp needs) is instead libjpeg-turbo decoding only the
// crop's region, at the same scale, to the same pixels; a JPEG it cannot handle (CMYK, 12-bit) goes
// to imdecode, and a damaged one is STATUS_UNDECODABLE even where imdecode would only warn.
// Returns STATUS_OK, or another Status with a message in err (truncated to err_len, NUL-terminated;
// err may be null). Never reads outside src or writes outside dst[0, output_bytes(p)). A PNG whose
// chunks claim more bytes than len is refused before OpenCV, which would allocate what they claim.
// Thread-safe: scratch images are per thread.
BALE_API int decode_transform(const uint8_t* src, size_t len, const TransformParams& p, void* dst,
                              char* err, int err_len);

// The second half of decode_transform, for callers that run their own code on the image between
// the geometry and the colour ops (Java's sample hook): `pixels` is out_w x out_h, uint8, RGB
// interleaved (3 channels) or gray (1), exactly what decode_transform writes as OUTPUT_UINT8_HWC with
// neutral colour parameters; applies p's colour ops (to the first content_w columns), to_gray and
// the layout into dst. Crop, reduce, warp and expect_* are ignored. Same statuses and thread safety.
BALE_API int transform_pixels(const uint8_t* pixels, int32_t channels, const TransformParams& p, void* dst,
                              char* err, int err_len);

// Nanoseconds the calling thread's last decode_transform spent decoding (out[0]) and on everything
// after the decode (out[1]: crop, resize, flip, jitter, layout). Zeros after a failed call.
BALE_API void last_stage_nanos(int64_t* out);

// Pixels the calling thread's last decode_transform decoded (out[0]) and the whole image's pixels at
// the scale it decoded at (out[1]). Zeros after a failed call.
BALE_API void last_decoded_pixels(int64_t* out);

// Sets the size of OpenCV's own thread pool, which is process-wide (cv::setNumThreads). When the
// caller runs one decode per worker thread, 1 avoids oversubscribing the cores.
BALE_API void set_opencv_threads(int threads);

}  // namespace bale

#endif  // BALE_TRANSFORM_H
