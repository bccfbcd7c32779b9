// Decoding only a region of a JPEG, with libjpeg-turbo's partial decoding (jpeg_crop_scanline,
// jpeg_skip_scanlines) and DCT scaling. Internal to libbale.so: it uses OpenCV types and is not
// bound to Java.
//
// Exactness: the pixels are those of a full decode (at the same scale) at the same positions. The
// region is widened for that: horizontally by chroma-upsampling context (libjpeg-turbo upsamples at a
// cropped edge as if it were the image's edge), then on the left to an iMCU boundary, as
// jpeg_crop_scanline requires; vertically by one iMCU row of context above. Rows below the region
// are never decoded: the rows read are produced exactly as in a full decode. A baseline JPEG decoded
// before goes through its entropy index instead (bale/jpeg_index.h): the same pixels, without
// Huffman-decoding the rows above and the columns beside the region.
#ifndef BALE_JPEG_REGION_H
#define BALE_JPEG_REGION_H

#include <cstddef>
#include <cstdint>
#include <vector>

#include <opencv2/core.hpp>

namespace bale {

// What decode_jpeg_region returns. Reuse one per thread: its storage then stops being reallocated
// once it has held the largest region.
struct JpegRegion {
    // BGR (CV_8UC3) or gray (CV_8UC1), a header over `storage`; valid until the next decode into
    // this object. Pixel (row i, column j) is pixel (x / scale + j, y / scale + i) of the whole
    // image decoded at 1/scale, and covers source pixels [x + j*scale, x + (j+1)*scale) x
    // [y + i*scale, y + (i+1)*scale) (clipped to the image).
    cv::Mat pixels;
    int x = 0, y = 0;  // top-left of the decoded region, in source pixels; multiples of `scale`
    int w = 0, h = 0;  // source pixels the region covers: x + w and y + h are at most the image size
    int scale = 1;     // 1, 2, 4 or 8: the DCT scaling divisor used
    int image_w = 0, image_h = 0;  // the whole image, in source pixels (the header's size)
    int scaled_w = 0, scaled_h = 0;  // the whole image decoded at 1/scale: ceil(image_w / scale), ...
    std::vector<uint8_t> storage;
};

enum RegionStatus : int {
    REGION_OK = 0,
    REGION_UNSUPPORTED = 1,  // a valid JPEG this path does not handle (CMYK/YCCK, 2 or 4 components,
                             // arithmetic-coded in a library without it...): decode it another way
    REGION_DAMAGED = 2,      // corrupt, truncated or not a JPEG; err says why
    REGION_TOO_LARGE = 3,    // the header declares more pixels than kMaxJpegPixels
    REGION_BAD_REQUEST = 4,  // the region or the scale is invalid, or outside the image
};

// Images whose header declares more pixels than this are refused before anything is allocated.
constexpr int64_t kMaxJpegPixels = int64_t(1) << 28;

// Whether the bytes start like a JPEG (SOI marker).
bool looks_like_jpeg(const uint8_t* src, size_t len);

// Decodes the part of the JPEG src[0, len) that source region (x, y, w, h) needs (source pixels;
// x, y inside the image; a region reaching past the right or bottom edge is clipped to it), at 1/max_scale (1, 2, 4 or 8; libjpeg-turbo scales every JPEG by these), to BGR
// or, if grayscale, to one channel (luma only), as OpenCV's imdecode would. Corrupt data, including
// what libjpeg only warns about (premature end of data, bad Huffman codes, extraneous bytes), is
// REGION_DAMAGED with the reason in err (truncated to err_len, NUL-terminated). Never calls exit()
// and never throws. Thread-safe; keeps one libjpeg decompressor per thread.
int decode_jpeg_region(const uint8_t* src, size_t len, int x, int y, int w, int h, int max_scale, bool grayscale,
                       JpegRegion& out, char* err, int err_len);

}  // namespace bale

#endif  // BALE_JPEG_REGION_H
